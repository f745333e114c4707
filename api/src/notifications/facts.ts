// What the rules need to know about new messages, read in a few statements per batch however many
// messages it holds (plain pg: the notifier is a hot path, like the persister). Only the members who could
// be notified are read: everyone for a DM, a group DM or @channel; those who asked for all messages for a
// plain top-level message; and those mentioned, online for @here, or following the thread.
import { groupBy } from "../lib/group-by.js";
import type { Sql } from "../lib/sql.js";
import type { PendingChannelEvent } from "../realtime/channel-events.js";
import type { DoNotDisturb } from "./quiet-hours.js";
import type { ChannelKind, MessageFacts, NotifyLevel } from "./rules.js";

export type Created = Extract<PendingChannelEvent, { type: "messageCreated" }>;

export interface ChannelRow {
  id: string;
  kind: ChannelKind;
  name: string | null;
}

export interface MessageContext {
  event: Created;
  seq: number;
  channel: ChannelRow;
  facts: MessageFacts;
}

/** A member who might be notified, with everything about them the rules and the content need. */
export interface Member extends DoNotDisturb {
  channelId: string;
  userId: string;
  displayName: string;
  level: NotifyLevel;
  /** The channel membership's mute (the one mute there is; channels/actions.ts sets it). */
  muted: boolean;
  timeZone: string;
}

export interface BatchFacts {
  messages: MessageContext[];
  /** Candidates per channel. */
  members: Map<string, Member[]>;
  /** Display names of authors, of people named in bodies, and of candidates. */
  names: Map<string, string>;
}

export const NAMED = /<@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>/gi;

export async function gatherFacts(sql: Sql, created: { event: Created; seq: number }[]): Promise<BatchFacts> {
  if (created.length === 0) return { messages: [], members: new Map(), names: new Map() };
  const parents = [...new Set(created.flatMap(({ event }) => (event.data.parentId ? [event.data.parentId] : [])))];
  const named = created.flatMap(({ event }) => [
    event.actorId,
    ...[...event.data.body.matchAll(NAMED)].map((m) => (m[1] as string).toLowerCase()),
  ]);
  const [channels, followers, names] = await Promise.all([
    channelsOf(sql, [...new Set(created.map(({ event }) => event.channelId))]),
    threadFollowers(sql, parents),
    namesOf(sql, [...new Set(named)]),
  ]);
  const messages = created.flatMap(({ event, seq }): MessageContext[] => {
    const channel = channels.get(event.channelId);
    if (!channel) return [];
    const mentions = event.data.mentions;
    const facts: MessageFacts = {
      channelKind: channel.kind,
      authorId: event.actorId,
      isReply: event.data.parentId !== null,
      mentionedUserIds: mentions?.userIds ?? [],
      mentionsChannel: mentions?.channel ?? false,
      hereUserIds: mentions?.hereUserIds ?? [],
      threadFollowers: event.data.parentId ? (followers.get(event.data.parentId) ?? []) : [],
    };
    return [{ event, seq, channel, facts }];
  });
  const members = await candidates(sql, messages);
  for (const list of members.values()) for (const m of list) names.set(m.userId, m.displayName);
  return { messages, members, names };
}

export async function channelsOf(sql: Sql, ids: string[]) {
  const { rows } = await sql.query<ChannelRow>({
    name: "notify-channels",
    text: `SELECT id, kind::text AS kind, name FROM "Channel" WHERE id = ANY($1::uuid[])`,
    values: [ids],
  });
  return new Map(rows.map((r) => [r.id, r]));
}

export async function namesOf(sql: Sql, ids: string[]) {
  const { rows } = await sql.query<{ id: string; displayName: string }>({
    name: "notify-names",
    text: `SELECT id, "displayName" FROM "User" WHERE id = ANY($1::uuid[])`,
    values: [ids],
  });
  return new Map(rows.map((r) => [r.id, r.displayName]));
}

/** Who follows each thread: whoever started it or replied in it, and whoever a message in it named. */
async function threadFollowers(sql: Sql, parents: string[]) {
  if (parents.length === 0) return new Map<string, string[]>();
  const { rows } = await sql.query<{ parentId: string; userId: string }>({
    name: "notify-followers",
    text: `WITH thread AS (
        SELECT p.id AS "parentId", p.id, p."authorId" FROM "Message" p WHERE p.id = ANY($1::uuid[])
        UNION ALL
        SELECT r."parentId", r.id, r."authorId" FROM "Message" r WHERE r."parentId" = ANY($1::uuid[]))
      SELECT "parentId", "authorId" AS "userId" FROM thread
      UNION
      SELECT t."parentId", n."userId" FROM thread t JOIN "Mention" n ON n."messageId" = t.id AND n.kind = 'user'`,
    values: [parents],
  });
  return groupBy(
    rows,
    (r) => r.parentId,
    (r) => r.userId,
  );
}

async function candidates(sql: Sql, messages: MessageContext[]) {
  const broad = new Set<string>();
  const topLevel = new Set<string>();
  const pairs: { channelId: string; userId: string }[] = [];
  for (const { event, facts } of messages) {
    if (facts.channelKind === "dm" || facts.channelKind === "group" || facts.mentionsChannel)
      broad.add(event.channelId);
    else if (!facts.isReply) topLevel.add(event.channelId);
    for (const userId of [...facts.mentionedUserIds, ...facts.hereUserIds, ...facts.threadFollowers])
      pairs.push({ channelId: event.channelId, userId });
  }
  const { rows } = await sql.query<Member>({
    name: "notify-candidates",
    // Three branches, each on the members' primary key (channelId, userId), joined to their users after: one
    // WHERE with ORs let the planner start from every active user (a scan per batch that grew with the
    // workspace: 14-70 ms against 2.5 ms at 10,000 users; BENCHMARKS.md §7).
    text: `WITH picked AS (
        SELECT m."channelId", m."userId", m."notifyLevel", m.muted FROM "ChannelMember" m
        WHERE m."channelId" = ANY($1::uuid[])
        UNION
        SELECT m."channelId", m."userId", m."notifyLevel", m.muted FROM "ChannelMember" m
        WHERE m."channelId" = ANY($2::uuid[]) AND m."notifyLevel" = 'all'
        UNION
        SELECT m."channelId", m."userId", m."notifyLevel", m.muted FROM unnest($3::uuid[], $4::uuid[]) AS p(c, u)
        JOIN "ChannelMember" m ON m."channelId" = p.c AND m."userId" = p.u)
      SELECT m."channelId", m."userId", u."displayName", m."notifyLevel"::text AS level, m.muted, u."timeZone",
        s."dndUntil", s."quietStart", s."quietEnd"
      FROM picked m
      JOIN "User" u ON u.id = m."userId"
      LEFT JOIN "NotificationSettings" s ON s."userId" = m."userId"
      WHERE u.state = 'active' OR (u.state = 'banned' AND u."bannedUntil" <= (now() AT TIME ZONE 'UTC'))`,
    values: [[...broad], [...topLevel], pairs.map((p) => p.channelId), pairs.map((p) => p.userId)],
  });
  return groupBy(
    rows,
    (r) => r.channelId,
    (r) => r,
  );
}

/** Unread top-level messages by others after each person's read position (as the sidebar counts them). */
export async function unreadCounts(sql: Sql, pairs: readonly { userId: string; channelId: string }[]) {
  const counts = new Map<string, number>();
  if (pairs.length === 0) return counts;
  const { rows } = await sql.query<{ userId: string; channelId: string; unread: number }>({
    name: "notify-unread",
    text: `SELECT v."userId", v."channelId", (SELECT count(*) FROM (
          SELECT 1 FROM "Message" x
          WHERE x."channelId" = v."channelId" AND x.seq > m."lastReadSeq" AND x."parentId" IS NULL
            AND x."deletedAt" IS NULL AND x."authorId" <> v."userId"
          LIMIT 999) c)::int AS unread
      FROM unnest($1::uuid[], $2::uuid[]) AS v("userId", "channelId")
      JOIN "ChannelMember" m ON m."channelId" = v."channelId" AND m."userId" = v."userId"`,
    values: [pairs.map((p) => p.userId), pairs.map((p) => p.channelId)],
  });
  for (const r of rows) counts.set(`${r.userId}/${r.channelId}`, r.unread);
  return counts;
}
