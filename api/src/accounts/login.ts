// Signing in. The limits count failures only, and are checked before any password is: per client address,
// and per account for unknown devices; a browser that signed in to the account before (a known device,
// devices.ts) has a failure limit of its own instead, so a flood of wrong passwords from elsewhere cannot
// lock the owner out. A burst of failures on one account becomes a security event in the audit log; an
// unknown email costs the same argon2 work as a known one, so timing does not tell which emails exist.
import { recordAudit } from "../audit/record.js";
import { AppError } from "../errors.js";
import type { User } from "../generated/prisma/client.js";
import { checkLimit, countHit, type Limit } from "../lib/rate-limit.js";
import type { Services } from "../services.js";
import { knownDevice } from "./devices.js";
import { hashPassword, verifyPassword } from "./passwords.js";
import { createSession, type SessionMeta } from "./sessions.js";
import { effectiveState, liftExpiredBan } from "./user-state.js";

const MINUTE_MS = 60_000;
export const LOGIN_PER_IP: Limit = { name: "login-ip", max: 30, windowMs: 5 * MINUTE_MS };
export const LOGIN_PER_ACCOUNT: Limit = { name: "login-account", max: 10, windowMs: 15 * MINUTE_MS };
export const LOGIN_PER_DEVICE: Limit = { name: "login-device", max: 10, windowMs: 15 * MINUTE_MS };
/** This many failures on one account within the window are recorded once as `auth.login_failures`. */
export const FAILURE_BURST = { threshold: 5, windowMs: 15 * MINUTE_MS };

let dummyHash: Promise<string> | undefined;

export interface LoginMeta extends SessionMeta {
  /** The device cookie's token, when the browser sent one. */
  device?: string | undefined;
}

export async function doLogin(services: Services, input: { email: string; password: string }, meta: LoginMeta) {
  const { db, kv, config } = services;
  const found = await db.user.findUnique({ where: { email: input.email } });
  const device = await knownDevice(kv, meta.device, found?.id);
  // What the failures of this attempt count against: the device's own limit, or the address's and account's.
  const limits: [Limit, string][] = device
    ? [[LOGIN_PER_DEVICE, device]]
    : [
        [LOGIN_PER_IP, meta.ip ?? "unknown"],
        [LOGIN_PER_ACCOUNT, input.email],
      ];
  for (const [limit, subject] of limits) await checkLimit(kv, limit, subject);

  dummyHash ??= hashPassword("no account has this password");
  const valid = await verifyPassword(found?.passwordHash ?? (await dummyHash), input.password);
  if (!found?.passwordHash || !valid) {
    for (const [limit, subject] of limits) await countHit(kv, limit, subject);
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
