// Who may post, edit and moderate. Every socket request and HTTP route goes through these. The messaging
// checks run on every send, edit and reaction, so they are single plain-pg queries (lib/sql.ts): Prisma's
// query compiler cost 0.4–1.7 ms of CPU per call there.
import type { SessionUser } from "../accounts/sessions.js";
import { AppError, forbidden, notFound } from "../errors.js";
import type { Kv } from "../lib/kv.js";
import type { Sql } from "../lib/sql.js";
import { TurnBatch } from "../lib/turn-batch.js";
import { findAccepted } from "./accepted.js";

export const isWorkspaceAdmin = (user: Pick<SessionUser, "role">) => user.role === "owner" || user.role === "admin";

/** The caller's membership of the channel; 404 for a channel that does not exist, 403 for a non-member.
 * One prepared statement: it runs on every typing frame (presence/socket.ts). */
export async function checkMember(sql: Sql, userId: string, channelId: string): Promise<{ lastReadSeq: number }> {
  if (!UUID.test(channelId)) throw notFound("Channel"); // no channel has a malformed id
  const { rows } = await sql.query<{ exists: boolean; member: boolean; lastReadSeq: number | null }>({
    name: "check-member",
    text: `SELECT c.id IS NOT NULL AS exists, m."userId" IS NOT NULL AS member, m."lastReadSeq"
      FROM (SELECT 1) one
      LEFT JOIN "Channel" c ON c.id = $1::uuid
      LEFT JOIN "ChannelMember" m ON m."channelId" = $1::uuid AND m."userId" = $2::uuid`,
    values: [channelId, userId],
  });
  const row = rows[0];
  if (!row?.exists) throw notFound("Channel");
  if (!row.member) throw forbidden("You are not a member of this channel.", "not_member");
  return { lastReadSeq: row.lastReadSeq ?? 0 };
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

/**
 * A message that is stored and not deleted, or accepted and not stored yet (accepted.ts); 404 otherwise.
 * Does not check who may see it.
 */
export async function checkMessage(sql: Sql, kv: Kv, messageId: string): Promise<MessageRow> {
  const { rows } = await sql.query<MessageRow & { deleted: boolean }>({
    name: "check-message-or-deleted",
    text: `SELECT id, "channelId", "authorId", "parentId", "deletedAt" IS NOT NULL AS deleted
      FROM "Message" WHERE id = $1::uuid`,
    values: [messageId],
  });
  const [stored] = rows;
  if (stored && !stored.deleted) return stored;
  const accepted = stored ? null : await findAccepted(kv, messageId);
  if (!accepted) throw notFound("Message");
  return accepted;
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

/**
 * Who may delete someone else's message: the channel's admins, and workspace admins where they can read —
 * any public channel, and private channels, DMs and group DMs only where they are members (as in Slack:
 * a workspace admin does not see, and so does not moderate, conversations they are not in).
 */
export async function checkCanModerate(sql: Sql, actor: Pick<SessionUser, "id" | "role">, channelId: string) {
  const { rows } = await sql.query<{ kind: string; role: string | null }>({
    name: "check-can-moderate",
    text: `SELECT c.kind, m.role FROM "Channel" c
     LEFT JOIN "ChannelMember" m ON m."channelId" = c.id AND m."userId" = $2::uuid WHERE c.id = $1::uuid`,
    values: [channelId, actor.id],
  });
  const row = rows[0];
  const sees = row?.kind === "public" || Boolean(row?.role);
  if (row?.role === "admin" || (isWorkspaceAdmin(actor) && sees)) return;
  // A non-member learns nothing about the message (as send and react answer).
  if (!row?.role) throw forbidden("You are not a member of this channel.", "not_member");
  throw forbidden("Only the author or an admin can delete a message.", "not_author");
}
