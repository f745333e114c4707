// Signing in. Both rate limits (per IP, per account) count before any password is checked; a burst of
// failures on one account becomes a security event in the audit log; an unknown email costs the same
// argon2 work as a known one, so timing does not tell which emails exist.
import { recordAudit } from "../audit/record.js";
import { AppError } from "../errors.js";
import type { User } from "../generated/prisma/client.js";
import { enforceLimit, type Limit } from "../lib/rate-limit.js";
import type { Services } from "../services.js";
import { hashPassword, verifyPassword } from "./passwords.js";
import { createSession, type SessionMeta } from "./sessions.js";
import { effectiveState, liftExpiredBan } from "./user-state.js";

const MINUTE_MS = 60_000;
export const LOGIN_PER_IP: Limit = { name: "login-ip", max: 30, windowMs: 5 * MINUTE_MS };
export const LOGIN_PER_ACCOUNT: Limit = { name: "login-account", max: 10, windowMs: 15 * MINUTE_MS };
/** This many failures on one account within the window are recorded once as `auth.login_failures`. */
export const FAILURE_BURST = { threshold: 5, windowMs: 15 * MINUTE_MS };

let dummyHash: Promise<string> | undefined;

export async function doLogin(services: Services, input: { email: string; password: string }, meta: SessionMeta) {
  const { db, kv, config } = services;
  await enforceLimit(kv, LOGIN_PER_IP, meta.ip ?? "unknown");
  await enforceLimit(kv, LOGIN_PER_ACCOUNT, input.email);

  const found = await db.user.findUnique({ where: { email: input.email } });
  dummyHash ??= hashPassword("no account has this password");
  const valid = await verifyPassword(found?.passwordHash ?? (await dummyHash), input.password);
  if (!found?.passwordHash || !valid) {
    await recordFailure(services, input.email, found?.id, meta.ip);
    throw new AppError(401, "invalid_credentials", "Wrong email or password.");
  }

  const user = await liftExpiredBan(db, found);
  checkCanSignIn(user);
  const { token, session } = await createSession(db, user.id, config.SESSION_DAYS, meta);
  await recordAudit(db, { actorId: user.id, action: "auth.login", targetType: "user", targetId: user.id, ip: meta.ip });
  return { user, token, expiresAt: session.expiresAt };
}

/** Banned (with the reason) or deactivated users get a 403 that says so, once their password was right. */
export function checkCanSignIn(user: Pick<User, "state" | "bannedUntil" | "banReason">) {
  const state = effectiveState(user);
  if (state === "banned") {
    throw new AppError(403, "banned", `You are banned${user.banReason ? `: ${user.banReason}` : "."}`, {
      reason: user.banReason,
      until: user.bannedUntil?.toISOString() ?? null,
    });
  }
  if (state === "deactivated") throw new AppError(403, "deactivated", "This account is deactivated.");
}

async function recordFailure(services: Services, email: string, userId: string | undefined, ip: string | undefined) {
  const { count } = await services.kv.hit(`login-failures:${email}`, FAILURE_BURST.windowMs);
  if (count !== FAILURE_BURST.threshold) return;
  await recordAudit(services.db, {
    actorId: null,
    action: "auth.login_failures",
    ...(userId ? { targetType: "user", targetId: userId } : { targetType: "email", targetId: email }),
    ip,
    details: { email, failures: count, windowMinutes: FAILURE_BURST.windowMs / MINUTE_MS },
  });
}
