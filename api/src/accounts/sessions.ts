// Sessions the way Lucia's current guide builds them (the lucia v3 package is deprecated): a random
// token held by the client, only its SHA-256 stored, sliding expiry. See README "Choices".
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import type { Db } from "../lib/prisma.js";
import type { Sql } from "../lib/sql.js";

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

// The same validation on plain `pg` for the socket upgrade, the hot path of a reconnect wave (Prisma was
// ~43 % of a node's CPU while 20,000 sockets connected, issue #19): one prepared statement reads the
// session and its user, and the expiry rules are the ones above.
const SESSION_WITH_USER = `
  SELECT s.id, s."userId", s."expiresAt", s."createdAt", s."lastUsedAt", s.ip, s."userAgent",
         u.id AS "u.id", u.email, u."displayName", u."nameKey", u."passwordHash", u.role, u.state,
         u."banReason", u."bannedUntil", u."avatarUrl", u."statusText", u."statusEmoji", u."timeZone",
         u."lastSeenAt", u."createdAt" AS "u.createdAt", u."updatedAt"
    FROM "Session" s JOIN "User" u ON u.id = s."userId"
   WHERE s.id = $1`;

type SessionRow = Authenticated["session"] &
  Omit<SessionUser, "id" | "createdAt"> & { "u.id": string; "u.createdAt": Date };

/** validateSessionToken on prepared `pg` statements: the same answer, the same side effects. */
export async function validateSessionTokenSql(sql: Sql, token: string, days: number): Promise<Authenticated | null> {
  const id = sessionIdOf(token);
  const { rows } = await sql.query<SessionRow>({ name: "session-with-user", text: SESSION_WITH_USER, values: [id] });
  const row = rows[0];
  if (!row) return null;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now) {
    await sql.query({ name: "session-delete", text: `DELETE FROM "Session" WHERE id = $1`, values: [id] });
    return null;
  }
  const session: Authenticated["session"] = {
    id: row.id,
    userId: row.userId,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    ip: row.ip,
    userAgent: row.userAgent,
  };
  const user: SessionUser = {
    id: row["u.id"],
    email: row.email,
    displayName: row.displayName,
    nameKey: row.nameKey,
    passwordHash: row.passwordHash,
    role: row.role,
    state: row.state,
    banReason: row.banReason,
    bannedUntil: row.bannedUntil,
    avatarUrl: row.avatarUrl,
    statusText: row.statusText,
    statusEmoji: row.statusEmoji,
    timeZone: row.timeZone,
    lastSeenAt: row.lastSeenAt,
    createdAt: row["u.createdAt"],
    updatedAt: row.updatedAt,
  };
  if (row.expiresAt.getTime() - now < (days * DAY_MS) / 2) {
    session.expiresAt = new Date(now + days * DAY_MS);
    session.lastUsedAt = new Date(now);
    await sql.query({
      name: "session-extend",
      text: `UPDATE "Session" SET "expiresAt" = $2, "lastUsedAt" = $3 WHERE id = $1`,
      // `timestamp` columns hold UTC wall-clock time (lib/sql.ts): ISO strings, whose zone PostgreSQL drops.
      values: [id, session.expiresAt.toISOString(), session.lastUsedAt.toISOString()],
    });
  }
  return { session, user };
}
