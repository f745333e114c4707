// Known devices, as OWASP's "device cookies" describe them: a browser that signed in to an account before
// holds a random token for it, so a flood of wrong passwords from elsewhere, which locks the account for
// unknown devices, does not lock its owner out. Only the token's SHA-256 is kept, in the shared Kv (a lost
// Kv only means the owner's browser counts as unknown until its next sign-in).
import type { Kv } from "../lib/kv.js";
import { generateSessionToken, sessionIdOf } from "./sessions.js";

const DEVICE_DAYS = 180;
const DEVICE_MS = DEVICE_DAYS * 24 * 60 * 60 * 1000;
const keyOf = (token: string) => `device:${sessionIdOf(token)}`;

/** Remembers this browser for the user; returns the token for its cookie and when it lapses. */
export async function rememberDevice(kv: Kv, userId: string, token?: string) {
  // A known device keeps its token (another account signing in on it gets one of its own).
  const kept = token && (await kv.get(keyOf(token))) === userId ? token : generateSessionToken();
  await kv.set(keyOf(kept), userId, DEVICE_MS);
  return { token: kept, expiresAt: new Date(Date.now() + DEVICE_MS) };
}

/** The device's id (its token's hash) when the token is one this user signed in with; else null. */
export async function knownDevice(kv: Kv, token: string | undefined, userId: string | undefined) {
  if (!token || !userId) return null;
  return (await kv.get(keyOf(token))) === userId ? sessionIdOf(token) : null;
}
