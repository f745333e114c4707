// Sessions the way Lucia's current guide builds them (the lucia v3 package is deprecated): a random
// token held by the client, only its SHA-256 stored, sliding expiry. See README "Choices".
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import type { Db } from "../lib/prisma.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface SessionMeta {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export const sessionIdOf = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

export async function createSession(db: Db, userId: string, days: number, meta: SessionMeta = {}) {
  const token = generateSessionToken();
  const session = await db.session.create({
    data: {
      id: sessionIdOf(token),
      userId,
      expiresAt: new Date(Date.now() + days * DAY_MS),
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
    },
  });
  return { token, session };
}

/** The session and its user, or null. Extends the expiry once half of it has passed. */
export async function validateSessionToken(db: Db, token: string, days: number) {
  const found = await db.session.findUnique({ where: { id: sessionIdOf(token) }, include: { user: true } });
  if (!found) return null;
  const now = Date.now();
  if (found.expiresAt.getTime() <= now) {
    await db.session.deleteMany({ where: { id: found.id } });
    return null;
  }
  const { user, ...session } = found;
  if (found.expiresAt.getTime() - now < (days * DAY_MS) / 2) {
    session.expiresAt = new Date(now + days * DAY_MS);
    session.lastUsedAt = new Date(now);
    await db.session.update({
      where: { id: session.id },
      data: { expiresAt: session.expiresAt, lastUsedAt: session.lastUsedAt },
    });
  }
  return { session, user };
}

export type Authenticated = NonNullable<Awaited<ReturnType<typeof validateSessionToken>>>;
export type SessionUser = Authenticated["user"];

export const invalidateSession = (db: Db, sessionId: string) => db.session.deleteMany({ where: { id: sessionId } });

export const invalidateUserSessions = (db: Db, userId: string) => db.session.deleteMany({ where: { userId } });
