// Who may post, edit and moderate. Every socket request and HTTP route goes through these. The messaging
// checks run on every send, edit and reaction, so they are single plain-pg queries (lib/sql.ts): Prisma's
// query compiler cost 0.4–1.7 ms of CPU per call there.
import type { SessionUser } from "../accounts/sessions.js";
import { AppError, forbidden, notFound } from "../errors.js";
import type { Db } from "../lib/prisma.js";
import type { Sql } from "../lib/sql.js";
import { TurnBatch } from "../lib/turn-batch.js";

export const isWorkspaceAdmin = (user: Pick<SessionUser, "role">) => user.role === "owner" || user.role === "admin";

/** The caller's membership of the channel; 404 for a channel that does not exist, 403 for a non-member. */
export async function checkMember(db: Db, userId: string, channelId: string) {
  const member = await db.channelMember.findUnique({
    where: { channelId_userId: { channelId, userId } },
    include: { channel: { select: { id: true, kind: true, archivedAt: true, lastSeq: true } } },
  });
  if (member) return member;
  const exists = await db.channel.count({ where: { id: channelId } });
  if (!exists) throw notFound("Channel");
  throw forbidden("You are not a member of this channel.", "not_member");
}

interface Access {
  exists: boolean;
  member: boolean;
  archived: boolean;
  role: string | null;
}

function requirePoster(access: Access | undefined): asserts access is Access {
  if (!access?.exists) throw notFound("Channel");
  if (!access.member) throw forbidden("You are not a member of this channel.", "not_member");
  if (access.archived) throw new AppError(409, "archived", "This channel is archived; nothing can be posted.");
}

const ACCESS_COLUMNS = `c.id IS NOT NULL AS exists, m."userId" IS NOT NULL AS member,
  c."archivedAt" IS NOT NULL AS archived, m.role`;

/** A member of a channel that is not archived; returns the member's channel role. */
export async function checkCanPost(sql: Sql, userId: string, channelId: string): Promise<{ role: string }> {
  const { rows } = await sql.query<Access>({
    name: "check-can-post", // prepared once per connection: these run on every edit and reaction
    text: `SELECT ${ACCESS_COLUMNS} FROM (SELECT 1) one
     LEFT JOIN "Channel" c ON c.id = $1::uuid
     LEFT JOIN "ChannelMember" m ON m."channelId" = $1::uuid AND m."userId" = $2::uuid`,
    values: [channelId, userId],
  });
  requirePoster(rows[0]);
  return { role: rows[0]?.role as string };
}

export interface MessageRow {
  id: string;
  channelId: string;
  authorId: string;
  parentId: string | null;
}

/** A message that exists and is not deleted (404 otherwise). Does not check who may see it. */
export async function checkMessage(sql: Sql, messageId: string): Promise<MessageRow> {
  const { rows } = await sql.query<MessageRow>({
    name: "check-message",
    text: `SELECT id, "channelId", "authorId", "parentId" FROM "Message" WHERE id = $1::uuid AND "deletedAt" IS NULL`,
    values: [messageId],
  });
  if (!rows[0]) throw notFound("Message");
  return rows[0];
}

/**
 * The send path's checks (it is the hottest path): the channel exists, the sender is a member, it is not
 * archived, and whether this (author, clientId) is already stored. Sends read in the same turn share one
 * query (lib/turn-batch.ts): at 1,000 sends/s each paid a statement and a round trip of its own.
 */
export async function checkCanSend(sql: Sql, userId: string, channelId: string, clientId: string) {
  // A malformed id would fail the whole batch's query; no channel has one.
  if (!UUID.test(channelId)) throw notFound("Channel");
  const row = await sendChecksOf(sql).call({ userId, channelId, clientId });
  requirePoster(row);
  return row.storedId ? { id: row.storedId, channelId: row.storedChannelId as string } : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SendCheck {
  userId: string;
  channelId: string;
  clientId: string;
}
type SendAccess = Access & { storedId: string | null; storedChannelId: string | null };

const sendChecks = new WeakMap<Sql, TurnBatch<SendCheck, SendAccess | undefined>>();

function sendChecksOf(sql: Sql) {
  const known = sendChecks.get(sql);
  if (known) return known;
  const batch = new TurnBatch((checks: SendCheck[]) => querySendChecks(sql, checks));
  sendChecks.set(sql, batch);
  return batch;
}

// LATERAL keeps the per-send plan (three unique-index lookups) whatever the planner guesses unnest's size.
async function querySendChecks(sql: Sql, checks: SendCheck[]): Promise<(SendAccess | undefined)[]> {
  const { rows } = await sql.query<SendAccess & { i: string }>({
    name: "check-can-send-batch",
    text: `SELECT v.i, x.* FROM unnest($1::uuid[], $2::uuid[], $3::text[]) WITH ORDINALITY AS v(cid, uid, client, i)
     CROSS JOIN LATERAL (
       SELECT ${ACCESS_COLUMNS}, s.id AS "storedId", s."channelId" AS "storedChannelId" FROM (SELECT 1) one
       LEFT JOIN "Channel" c ON c.id = v.cid
       LEFT JOIN "ChannelMember" m ON m."channelId" = v.cid AND m."userId" = v.uid
       LEFT JOIN "Message" s ON s."authorId" = v.uid AND s."clientId" = v.client
     ) x`,
    values: [checks.map((c) => c.channelId), checks.map((c) => c.userId), checks.map((c) => c.clientId)],
  });
  const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
  return checks.map((_, i) => byIndex.get(i + 1));
}
