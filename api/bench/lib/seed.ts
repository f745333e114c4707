// Bulk rows for the load clients, written straight to PostgreSQL (thousands per statement), not through the
// signup and login routes: users, a session each (id = SHA-256 of the token, as accounts/sessions.ts
// stores it), channels and memberships.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { generateSessionToken, sessionIdOf } from "../../src/accounts/sessions.js";

const CHUNK = 5000;

export interface SeededUser {
  id: string;
  token: string;
}

export async function seedUsers(db: pg.Pool, count: number, label: string): Promise<SeededUser[]> {
  const users = Array.from({ length: count }, () => ({ id: randomUUID(), token: generateSessionToken() }));
  for (let i = 0; i < users.length; i += CHUNK) {
    const chunk = users.slice(i, i + CHUNK);
    const ids = chunk.map((u) => u.id);
    const names = chunk.map((_, j) => `${label}-${i + j}`);
    await db.query(
      `INSERT INTO "User" (id, email, "displayName", "nameKey", "updatedAt")
       SELECT id, id::text || '@bench.parley', name, name, now() FROM unnest($1::uuid[], $2::text[]) AS u(id, name)`,
      [ids, names],
    );
    await db.query(
      `INSERT INTO "Session" (id, "userId", "expiresAt")
       SELECT id, "userId", now() + interval '2 days' FROM unnest($1::text[], $2::uuid[]) AS s(id, "userId")`,
      [chunk.map((u) => sessionIdOf(u.token)), ids],
    );
  }
  return users;
}

export async function seedChannels(db: pg.Pool, count: number, label: string): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await db.query(
    `INSERT INTO "Channel" (id, kind, name) SELECT id, 'public', $2 || '-' || ord
     FROM unnest($1::uuid[]) WITH ORDINALITY AS c(id, ord)`,
    [ids, label],
  );
  return ids;
}

export async function seedMembers(db: pg.Pool, pairs: { channelId: string; userId: string }[]) {
  for (let i = 0; i < pairs.length; i += CHUNK) {
    const chunk = pairs.slice(i, i + CHUNK);
    await db.query(`INSERT INTO "ChannelMember" ("channelId", "userId") SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [
      chunk.map((p) => p.channelId),
      chunk.map((p) => p.userId),
    ]);
  }
}

/** Loopback source address for the i-th client: 127.0.0.2 … 127.0.0.9, so no one address runs out of ports. */
export const sourceAddress = (i: number) => `127.0.0.${2 + (i % 8)}`;

/** Sum of the channels' sequences: how many events the persister has committed in them. */
export async function committedEvents(db: pg.Pool, channelIds: string[]): Promise<number> {
  const { rows } = await db.query<{ total: string }>(
    `SELECT coalesce(sum("lastSeq"), 0)::bigint AS total FROM "Channel" WHERE id = ANY($1::uuid[])`,
    [channelIds],
  );
  return Number(rows[0]?.total ?? 0);
}

export async function lastSeqs(db: pg.Pool, channelIds: string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ id: string; lastSeq: number }>(
    `SELECT id, "lastSeq" FROM "Channel" WHERE id = ANY($1::uuid[])`,
    [channelIds],
  );
  return new Map(rows.map((r) => [r.id, r.lastSeq]));
}

export async function messageCount(db: pg.Pool, channelIds: string[]): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*)::bigint AS n FROM "Message" WHERE "channelId" = ANY($1::uuid[])`,
    [channelIds],
  );
  return Number(rows[0]?.n ?? 0);
}
