// Who may post, edit and moderate. Every socket request and HTTP route goes through these. The messaging
// checks run on every send, edit and reaction, so they are single plain-pg queries (lib/sql.ts): Prisma's
// query compiler cost 0.4–1.7 ms of CPU per call there.
import type { SessionUser } from "../accounts/sessions.js";
import { AppError, forbidden, notFound } from "../errors.js";
import type { Db } from "../lib/prisma.js";
import type { Sql } from "../lib/sql.js";

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

function requirePoster(access: Access | undefined) {
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
 * The send path's checks in one round trip (it is the hottest path): the channel exists, the sender is a
 * member, it is not archived, and whether this (author, clientId) is already stored.
 */
export async function checkCanSend(sql: Sql, userId: string, channelId: string, clientId: string) {
  const { rows } = await sql.query<Access & { storedId: string | null; storedChannelId: string | null }>({
    name: "check-can-send",
    text: `SELECT ${ACCESS_COLUMNS}, s.id AS "storedId", s."channelId" AS "storedChannelId" FROM (SELECT 1) one
     LEFT JOIN "Channel" c ON c.id = $1::uuid
     LEFT JOIN "ChannelMember" m ON m."channelId" = $1::uuid AND m."userId" = $2::uuid
     LEFT JOIN "Message" s ON s."authorId" = $2::uuid AND s."clientId" = $3`,
    values: [channelId, userId, clientId],
  });
  const row = rows[0];
  requirePoster(row);
  return row?.storedId ? { id: row.storedId, channelId: row.storedChannelId as string } : null;
}
