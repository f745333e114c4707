// Resolves the session cookie to c.var.auth (or null). Routes that need a user call requireUser().
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { bannedSessionUser } from "../../accounts/revoke.js";
import { type Authenticated, type SessionUser, validateSessionToken } from "../../accounts/sessions.js";
import { AppError, unauthorized } from "../../errors.js";
import type { Kv } from "../../lib/kv.js";
import type { Db } from "../../lib/prisma.js";

export const SESSION_COOKIE = "parley_session";

export type AuthEnv = { Variables: { auth: Authenticated | null; bannedUser?: SessionUser | null } };

export function sessionMiddleware(db: Db, days: number, kv?: Kv): MiddlewareHandler<AuthEnv> {
  return async function session(c, next) {
    const token = getCookie(c, SESSION_COOKIE) ?? bearer(c.req.header("authorization"));
    const auth = token ? await validateSessionToken(db, token, days) : null;
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

export function clearSessionCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c) });
}

// Behind a TLS-terminating proxy (ops/nginx) the original scheme arrives in X-Forwarded-Proto.
function isHttps(c: Context) {
  return c.req.header("x-forwarded-proto") === "https" || new URL(c.req.url).protocol === "https:";
}
