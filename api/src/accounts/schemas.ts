// The shapes of accounts data on the wire, as zod schemas (validated on the way in, documented in
// /api/openapi.json). Text fields pass the user text policy (lib/user-text.ts), are stored as normalized,
// and clients escape them when they render.
import { z } from "@hono/zod-openapi";
import type { User } from "../generated/prisma/client.js";
import { userText } from "../lib/user-text.js";
import { isValidEmoji } from "../messages/emoji.js";
import { effectiveState } from "./user-state.js";

export const ROLES = ["owner", "admin", "member", "guest"] as const;
export const STATES = ["active", "deactivated", "banned"] as const;
export const RoleSchema = z.enum(ROLES).openapi("Role");
export const UserStateSchema = z.enum(STATES).openapi("UserState");

export const EmailSchema = userText("line", { min: 1, max: 254 }).pipe(z.string().toLowerCase().pipe(z.email()));
/** Shown to everyone: no invisible or direction-changing characters (user-text.ts, kind "name"). */
export const DisplayNameSchema = userText("name", { min: 1, max: 64 });
/** New passwords; long rather than complicated (NIST 800-63B). */
export const NewPasswordSchema = userText("secret", { min: 12, max: 256 });
/** A password being checked (sign-in, change): taken as typed. */
export const PasswordSchema = userText("secret", { min: 1, max: 1024 });
export const TokenSchema = userText("token", { min: 16, max: 128 });
export const ReasonSchema = userText("multiline", { min: 1, max: 500 });
export const StatusTextSchema = userText("line", { max: 100 });
/** One emoji (with its modifiers) or a :short_code:, as reactions are. */
export const StatusEmojiSchema = userText("token", { min: 1, max: 64 }).refine(
  isValidEmoji,
  "one emoji or a :short_code:",
);

export const TimeZoneSchema = userText("token", { max: 64 }).transform((zone, ctx) => {
  const canonical = canonicalTimeZone(zone);
  if (canonical) return canonical;
  ctx.addIssue({ code: "custom", message: "must be an IANA time zone such as Europe/Paris" });
  return z.NEVER;
});

/**
 * The zone as Intl knows it, or null. The case is corrected ("europe/paris" → "Europe/Paris"); an alias
 * such as America/Argentina/Buenos_Aires is kept as given (ICU would rename it). Offsets are not zones.
 */
function canonicalTimeZone(zone: string): string | null {
  if (/^[+-]/.test(zone)) return null;
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
  } catch {
    return null;
  }
}

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    role: RoleSchema,
    state: UserStateSchema,
    banReason: z.string().nullable(),
    bannedUntil: z.iso.datetime().nullable(),
    avatarUrl: z.string().nullable(),
    statusText: z.string().nullable(),
    statusEmoji: z.string().nullable(),
    timeZone: z.string(),
    hasPassword: z.boolean(),
    lastSeenAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("User");

export type UserView = z.infer<typeof UserSchema>;

type UserRow = Omit<User, "passwordHash" | "nameKey" | "updatedAt"> & { hasPassword?: boolean; passwordHash?: unknown };

export function userView(user: UserRow, now = new Date()): UserView {
  const state = effectiveState(user, now);
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    state,
    banReason: state === "banned" ? user.banReason : null,
    bannedUntil: state === "banned" ? (user.bannedUntil?.toISOString() ?? null) : null,
    avatarUrl: user.avatarUrl,
    statusText: user.statusText,
    statusEmoji: user.statusEmoji ?? null,
    timeZone: user.timeZone,
    hasPassword: user.hasPassword ?? Boolean(user.passwordHash),
    lastSeenAt: user.lastSeenAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}

export const UserEnvelope = z.object({ user: UserSchema });
