// Drives the real app in-process through app.request(), as a browser on our own origin would, and
// signs users in by creating real sessions.

import { hashPassword } from "../../src/accounts/passwords.js";
import { createSession } from "../../src/accounts/sessions.js";
import { createApp } from "../../src/app.js";
import type { Db } from "../../src/lib/prisma.js";
import { SESSION_COOKIE } from "../../src/middleware/session/index.js";
import type { Services } from "../../src/services.js";
import { createUser } from "./fixtures.js";

/** An allowed origin under the test config (PORT unset → 3000). */
export const ORIGIN = "http://localhost:3000";

export interface CallOptions {
  /** JSON-encoded as the body. */
  body?: unknown;
  /** Sent as is (with content-type application/json unless headers say otherwise). */
  raw?: string;
  token?: string;
  /** The client's address, as the peer of the connection. */
  ip?: string;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered
  body: any;
}

export function httpClient(services: Services) {
  const app = createApp(services);
  return async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { origin: ORIGIN };
    if (options.token) headers.cookie = `${SESSION_COOKIE}=${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers["content-type"] = "application/json";
    Object.assign(headers, options.headers);
    if (headers.origin === "") delete headers.origin; // `origin: ""` sends none, as a non-browser client would
    // A client connecting from `ip` (the address @hono/node-server would give).
    const env = options.ip ? { incoming: { socket: { remoteAddress: options.ip } } } : undefined;
    const res = await app.request(path, { method, headers, body }, env);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? parse(text) : null };
  };
}

function parse(text: string) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export type Role = "owner" | "admin" | "member" | "guest";

/** A user of the role with a live session (and a password when given). */
export async function signedIn(db: Db, role: Role, options: { name?: string; password?: string } = {}) {
  const created = await createUser(db, { role, ...(options.name ? { name: options.name } : {}) });
  const user = options.password
    ? await db.user.update({ where: { id: created.id }, data: { passwordHash: await hashPassword(options.password) } })
    : created;
  const { token, session } = await createSession(db, user.id, 1);
  return { user, token, session };
}

/** The session cookie's token from a Set-Cookie header, or null. */
export function cookieToken(headers: Headers): string | null {
  const match = new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(headers.get("set-cookie") ?? "");
  return match?.[1] || null;
}
