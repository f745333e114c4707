// Reads: one channel, the channel directory, the caller's own channels (the sidebar), a channel's members.
import { z } from "@hono/zod-openapi";
import { type ChannelKind, Prisma } from "../generated/prisma/client.js";
import { decodeCursor, encodeCursor } from "../lib/cursor.js";
import type { Db } from "../lib/prisma.js";
import { type Actor, checkCanView, loadChannel, type Viewed } from "./access.js";
import type { ChannelView } from "./schemas.js";

/** Unread counts stop here: a client shows "999+", and a newcomer's count never scans a channel's history. */
export const UNREAD_CAP = 1000;

type Named = { id: string; displayName: string };
const titleOf = (name: string | null, others: Named[]) => name ?? others.map((o) => o.displayName).join(", ");
const iso = (date: Date | null) => date?.toISOString() ?? null;

export async function getChannel(db: Db, actor: Actor, channelId: string): Promise<ChannelView> {
  const { channel, member } = await checkCanView(db, actor, channelId);
  return channelView(db, actor, { channel, member });
}

/** For the reply to a change the actor was allowed to make (a workspace admin need not be a member). */
export async function getChangedChannel(db: Db, actor: Actor, channelId: string): Promise<ChannelView> {
  const channel = await loadChannel(db, channelId);
  const member = await db.channelMember.findUnique({ where: { channelId_userId: { channelId, userId: actor.id } } });
  return channelView(db, actor, { channel, member });
}

async function channelView(db: Db, actor: Actor, { channel, member }: Viewed): Promise<ChannelView> {
  const channelId = channel.id;
  const [memberCount, others] = await Promise.all([
    db.channelMember.count({ where: { channelId } }),
    channel.kind === "dm" || channel.kind === "group"
      ? db.channelMember.findMany({
          where: { channelId, userId: { not: actor.id } },
          select: { user: { select: { id: true, displayName: true } } },
          orderBy: { user: { displayName: "asc" } },
        })
      : [],
  ]);
  const otherMembers = others.map((o) => o.user);
  return {
    id: channel.id,
    kind: channel.kind,
    name: titleOf(channel.name, otherMembers),
    topic: channel.topic,
    purpose: channel.purpose,
    archivedAt: iso(channel.archivedAt),
    createdAt: channel.createdAt.toISOString(),
    lastSeq: channel.lastSeq,
    memberCount,
    otherMembers,
    me: member && {
      role: member.role,
      lastReadSeq: member.lastReadSeq,
      muted: member.muted,
      notifyLevel: member.notifyLevel,
    },
  };
}

export interface DirectorySearch {
  viewerId: string;
  kinds: ChannelKind[];
  /** Name prefix. */
  q?: string | undefined;
  includeArchived: boolean;
  limit: number;
  cursor?: string | undefined;
}

const NameCursor = z.tuple([z.string().max(80)]);

/** Channels by name (byte order, so the keyset is stable), with member counts and whether the viewer is in. */
export async function listDirectory(db: Db, search: DirectorySearch) {
  const conditions = [Prisma.sql`c.kind = ANY(${search.kinds}::"ChannelKind"[])`];
  if (!search.includeArchived) conditions.push(Prisma.sql`c."archivedAt" IS NULL`);
  if (search.q) conditions.push(Prisma.sql`starts_with(c.name, ${search.q.toLowerCase()})`);
  if (search.cursor) {
    const [after] = decodeCursor(search.cursor, NameCursor);
    conditions.push(Prisma.sql`c.name COLLATE "C" > ${after}`);
  }
  const rows = await db.$queryRaw<
    {
      id: string;
      kind: ChannelKind;
      name: string;
      topic: string;
      purpose: string;
      archivedAt: Date | null;
      isDefault: boolean;
      memberCount: number;
      joined: boolean;
    }[]
  >`
    SELECT c.id, c.kind, c.name, c.topic, c.purpose, c."archivedAt", c."isDefault",
      (SELECT count(*) FROM "ChannelMember" x WHERE x."channelId" = c.id)::int AS "memberCount",
      EXISTS (SELECT 1 FROM "ChannelMember" x WHERE x."channelId" = c.id AND x."userId" = ${search.viewerId}::uuid) AS joined
    FROM "Channel" c
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY c.name COLLATE "C"
    LIMIT ${search.limit + 1}`;
  const page = rows.slice(0, search.limit);
  const last = page.at(-1);
  return {
    channels: page.map((r) => ({ ...r, archivedAt: iso(r.archivedAt) })),
    nextCursor: rows.length > search.limit && last ? encodeCursor([last.name]) : null,
  };
}

type MyChannelRow = {
  id: string;
  kind: ChannelKind;
  name: string | null;
  topic: string;
  archivedAt: Date | null;
  otherMembers: Named[];
  lastSeq: number;
  lastReadSeq: number;
  unreadCount: number;
  mentionCount: number;
  muted: boolean;
  notifyLevel: "all" | "mentions" | "nothing";
  role: "admin" | "member";
};

/**
 * Every channel the user is in, with unread and mention counts, in one query. Unread: top-level messages
 * by others after the read position, not deleted (thread replies live in their thread, as in Slack).
 * Mentions: after the read position, in threads too, not deleted.
 */
export async function listMyChannels(db: Db, userId: string) {
  const rows = await db.$queryRaw<MyChannelRow[]>`
    SELECT c.id, c.kind, c.name, c.topic, c."archivedAt", c."lastSeq",
      m."lastReadSeq", m.muted, m."notifyLevel", m.role,
      (SELECT count(*) FROM (
        SELECT 1 FROM "Message" x
        WHERE x."channelId" = c.id AND x.seq > m."lastReadSeq" AND x."parentId" IS NULL
          AND x."deletedAt" IS NULL AND x."authorId" <> m."userId"
        LIMIT ${UNREAD_CAP}) u)::int AS "unreadCount",
      (SELECT count(*) FROM "Mention" n JOIN "Message" x ON x.id = n."messageId"
        WHERE n."userId" = m."userId" AND n."channelId" = c.id AND n.seq > m."lastReadSeq"
          AND x."deletedAt" IS NULL)::int AS "mentionCount",
      CASE WHEN c.kind IN ('dm', 'group') THEN (
        SELECT coalesce(json_agg(json_build_object('id', u.id, 'displayName', u."displayName")
          ORDER BY u."displayName", u.id), '[]'::json)
        FROM "ChannelMember" o JOIN "User" u ON u.id = o."userId"
        WHERE o."channelId" = c.id AND o."userId" <> m."userId")
      ELSE '[]'::json END AS "otherMembers"
    FROM "ChannelMember" m JOIN "Channel" c ON c.id = m."channelId"
    WHERE m."userId" = ${userId}::uuid
    ORDER BY c.kind, c.name COLLATE "C", c.id`;
  return rows.map((r) => ({ ...r, name: titleOf(r.name, r.otherMembers), archivedAt: iso(r.archivedAt) }));
}

const MemberCursor = z.tuple([z.string().max(256), z.uuid()]);

/** A page of a channel's members, for whoever may view the channel. */
export async function listMembers(db: Db, actor: Actor, channelId: string, limit: number, cursor?: string) {
  await checkCanView(db, actor, channelId);
  return pageOfMembers(db, channelId, limit, cursor);
}

/** Members by name (then id, so the keyset is stable), without an access check. */
export async function pageOfMembers(db: Db, channelId: string, limit: number, cursor?: string) {
  const after = cursor ? decodeCursor(cursor, MemberCursor) : undefined;
  const rows = await db.channelMember.findMany({
    where: {
      channelId,
      ...(after ? { user: { OR: [{ nameKey: { gt: after[0] } }, { nameKey: after[0], id: { gt: after[1] } }] } } : {}),
    },
    orderBy: [{ user: { nameKey: "asc" } }, { userId: "asc" }],
    take: limit + 1,
    select: {
      role: true,
      joinedAt: true,
      user: { select: { id: true, displayName: true, nameKey: true, avatarUrl: true } },
    },
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    members: page.map(({ user: { nameKey: _, ...user }, role, joinedAt }) => ({
      ...user,
      role,
      joinedAt: joinedAt.toISOString(),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor([last.user.nameKey, last.user.id]) : null,
  };
}
