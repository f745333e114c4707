// The shapes of accounts data on the wire, as zod schemas (validated on the way in, documented in
// /api/openapi.json). Text fields are stored verbatim; clients escape them when they render.
import { z } from "@hono/zod-openapi";
import type { User } from "../generated/prisma/client.js";
import { effectiveState } from "./user-state.js";

export const ROLES = ["owner", "admin", "member", "guest"] as const;
export const STATES = ["active", "deactivated", "banned"] as const;
export const RoleSchema = z.enum(ROLES).openapi("Role");
export const UserStateSchema = z.enum(STATES).openapi("UserState");

export const EmailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}]*$/u, "no control characters");
/** New passwords; long rather than complicated (NIST 800-63B). */
export const NewPasswordSchema = z.string().min(12, "at least 12 characters").max(256);
export const TokenSchema = z.string().min(16).max(128);
export const ReasonSchema = z.string().trim().min(1).max(500);

export const TimeZoneSchema = z
  .string()
  .max(64)
  .transform((zone, ctx) => {
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
    timeZone: user.timeZone,
    hasPassword: user.hasPassword ?? Boolean(user.passwordHash),
    lastSeenAt: user.lastSeenAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}

export const UserEnvelope = z.object({ user: UserSchema });
