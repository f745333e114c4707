// Resolves the session cookie to c.var.auth (or null). Routes that need a user call requireUser().
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { bannedSessionUser } from "../../accounts/revoke.js";
import {
  type Authenticated,
  type SessionUser,
  validateSessionToken,
  validateSessionTokenSql,
} from "../../accounts/sessions.js";
import { AppError, unauthorized } from "../../errors.js";
import type { Kv } from "../../lib/kv.js";
import type { Db } from "../../lib/prisma.js";
import type { Sql } from "../../lib/sql.js";

export const SESSION_COOKIE = "parley_session";

export type AuthEnv = { Variables: { auth: Authenticated | null; bannedUser?: SessionUser | null } };

/** `sql`: validate on prepared `pg` statements instead of Prisma (the socket upgrade, a hot path). */
export function sessionMiddleware(db: Db, days: number, kv?: Kv, sql?: Sql): MiddlewareHandler<AuthEnv> {
  const validate = sql
    ? (token: string) => validateSessionTokenSql(sql, token, days)
    : (token: string) => validateSessionToken(db, token, days);
  return async function session(c, next) {
    const token = getCookie(c, SESSION_COOKIE) ?? bearer(c.req.header("authorization"));
    const auth = token ? await validate(token) : null;
    c.set("auth", auth);
    // A ban deletes the user's sessions; their old token still explains why it stopped working.
    if (token && !auth && kv) c.set("bannedUser", await bannedSessionUser(db, kv, token));
    await next();
  };
}

function bearer(header: string | undefined) {
  return header?.startsWith("Bearer ") ? header.slice(7) : undefined;
}

/** The signed-in, active user; 401 without a session, 403 `banned` (with the reason) when banned. */
export function requireUser(c: Context<AuthEnv>): Authenticated {
  const auth = c.get("auth");
  if (!auth) {
    const banned = c.get("bannedUser");
    if (banned) assertActive(banned);
    throw unauthorized();
  }
  assertActive(auth.user);
  return auth;
}

export function assertActive(user: Authenticated["user"]) {
  if (user.state === "banned" && (!user.bannedUntil || user.bannedUntil.getTime() > Date.now())) {
    throw new AppError(403, "banned", `You are banned${user.banReason ? `: ${user.banReason}` : "."}`, {
      reason: user.banReason,
      until: user.bannedUntil?.toISOString() ?? null,
    });
  }
  if (user.state === "deactivated") throw unauthorized("This account is deactivated.");
}

export function setSessionCookie(c: Context, token: string, expiresAt: Date) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: isHttps(c),
    path: "/",
    expires: expiresAt,
  });
}

/** Marks this browser as one that signed in to the account before (accounts/devices.ts). */
export const DEVICE_COOKIE = "parley_device";
const DEVICE_PATH = "/api/auth";

export const deviceToken = (c: Context) => getCookie(c, DEVICE_COOKIE);

export function setDeviceCookie(c: Context, device: { token: string; expiresAt: Date }) {
  setCookie(c, DEVICE_COOKIE, device.token, {
    httpOnly: true,
    sameSite: "Strict",
    secure: isHttps(c),
    path: DEVICE_PATH,
    expires: device.expiresAt,
  });
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c) });
}

// Behind a TLS-terminating proxy (ops/nginx) the original scheme arrives in X-Forwarded-Proto, believed
// only from TRUSTED_PROXIES (lib/client-ip.ts).
function isHttps(c: Context) {
  if (c.get("viaTrustedProxy") && c.req.header("x-forwarded-proto") === "https") return true;
  return new URL(c.req.url).protocol === "https:";
}
