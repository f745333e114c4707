// History over HTTP: a thread, and the raw stored events a client replays after `resyncRequired` (a page
// of a channel's messages, the hot read, is in history-page.ts on plain pg). Whoever may view the channel
// may read it (access.ts), asked of the primary; the rows come from the read replica when it has replayed
// the channel that far (lib/read-replica.ts).
import { notFound } from "../errors.js";
import type { Attachment } from "../files/schemas.js";
import type { Message } from "../generated/prisma/client.js";
import { groupBy } from "../lib/group-by.js";
import type { Db } from "../lib/prisma.js";
import { channelReader, type Reads } from "../lib/read-replica.js";
import type { Sql } from "../lib/sql.js";
import type { ChannelEvent } from "../realtime/channel-events.js";
import { type Actor, checkCanView } from "./access.js";
import type { MessageView } from "./schemas.js";

/** A thread's first message and its replies in seq order; asked with a reply's id, the reply's thread. */
export async function getThread(
  reads: Reads,
  actor: Actor,
  messageId: string,
  page: { after?: number | undefined; limit: number },
) {
  const asked = await reads.db.message.findUnique({ where: { id: messageId } });
  if (!asked) throw notFound("Message");
  const root = asked.parentId ? await reads.db.message.findUnique({ where: { id: asked.parentId } }) : asked;
  if (!root) throw notFound("Message");
  const { channel } = await checkCanView(reads.db, actor, root.channelId);
  const db = await channelReader(reads, root.channelId, channel.lastSeq);
  const rows = await db.message.findMany({
    where: { parentId: root.id, ...(page.after === undefined ? {} : { seq: { gt: page.after } }) },
    orderBy: { seq: "asc" },
    take: page.limit + 1,
  });
  const replies = rows.slice(0, page.limit);
  const [parent, ...views] = await withReactions(db, actor.id, [root, ...replies]);
  return { parent: parent as MessageView, replies: views, hasMore: rows.length > page.limit };
}

/** Stored events after `after`, in seq order, exactly as subscribers received them. */
export async function listEvents(reads: Reads, actor: Actor, channelId: string, after: number, limit: number) {
  const { channel } = await checkCanView(reads.db, actor, channelId);
  const db = await channelReader(reads, channelId, channel.lastSeq);
  const rows = await db.channelEvent.findMany({
    where: { channelId, seq: { gt: after } },
    orderBy: { seq: "asc" },
    take: limit + 1,
  });
  const events = rows
    .slice(0, limit)
    .map((r) => ({ ...(r.payload as Omit<ChannelEvent, "seq">), seq: r.seq }) as ChannelEvent);
  return { events, hasMore: rows.length > limit, lastSeq: channel.lastSeq };
}

type ReactionRow = { messageId: string; emoji: string; count: number; me: boolean; userIds: string[] };

/** The columns a message view is made of (history-page.ts reads exactly these with plain pg). */
export type MessageRow = Pick<
  Message,
  | "id"
  | "channelId"
  | "seq"
  | "authorId"
  | "body"
  | "parentId"
  | "replyCount"
  | "createdAt"
  | "editedAt"
  | "deletedAt"
  | "attachments"
>;

/** Runs one statement (named: prepared once per pg connection) on Prisma or on a plain pg pool. */
export type RowReader = <T>(name: string, text: string, values: unknown[]) => Promise<T[]>;
export const prismaRows =
  (db: Db): RowReader =>
  (_name, text, values) =>
    db.$queryRawUnsafe(text, ...values);
export const sqlRows =
  (sql: Sql): RowReader =>
  async <T>(name: string, text: string, values: unknown[]) =>
    (await sql.query({ name, text, values })).rows as T[];

/** Message views with their reactions per emoji (first used first) and who reacted, in one query. */
export async function withReactions(
  db: Db | RowReader,
  viewerId: string,
  messages: MessageRow[],
): Promise<MessageView[]> {
  const rowsOf = typeof db === "function" ? db : prismaRows(db);
  const ids = messages.map((m) => m.id);
  const rows =
    ids.length === 0
      ? []
      : await rowsOf<ReactionRow>(
          "message-reactions",
          `SELECT "messageId", emoji, count(*)::int AS count, bool_or("userId" = $1::uuid) AS me,
            array_agg("userId"::text ORDER BY "createdAt", "userId") AS "userIds"
          FROM "Reaction" WHERE "messageId" = ANY($2::uuid[])
          GROUP BY "messageId", emoji ORDER BY min("createdAt"), emoji`,
          [viewerId, ids],
        );
  const byMessage = groupBy(
    rows,
    (r) => r.messageId,
    ({ messageId: _, ...reaction }) => reaction,
  );
  const threads = await threadSummaries(
    rowsOf,
    messages.filter((m) => m.replyCount > 0).map((m) => m.id),
  );
  return messages.map((m) => ({
    id: m.id,
    channelId: m.channelId,
    seq: m.seq,
    authorId: m.authorId,
    body: m.deletedAt ? "" : m.body,
    parentId: m.parentId,
    replyCount: m.replyCount,
    createdAt: m.createdAt.toISOString(),
    editedAt: m.editedAt?.toISOString() ?? null,
    deletedAt: m.deletedAt?.toISOString() ?? null,
    reactions: m.deletedAt ? [] : (byMessage.get(m.id) ?? []),
    replierIds: threads.get(m.id)?.replierIds ?? [],
    lastReplyAt: threads.get(m.id)?.lastReplyAt ?? null,
    attachments: m.deletedAt ? [] : (m.attachments as Attachment[]),
  }));
}

/** Repliers shown under a thread's first message. */
export const SHOWN_REPLIERS = 3;

type ReplierRow = { parentId: string; authorId: string; at: Date };

/** Per thread: its latest repliers (newest first, each once) and its last reply's time, in one query. */
async function threadSummaries(rowsOf: RowReader, rootIds: string[]) {
  const summaries = new Map<string, { replierIds: string[]; lastReplyAt: string }>();
  if (rootIds.length === 0) return summaries;
  const rows = await rowsOf<ReplierRow>(
    "thread-summaries",
    `SELECT "parentId", "authorId", max("createdAt") AS at FROM "Message"
    WHERE "parentId" = ANY($1::uuid[])
    GROUP BY "parentId", "authorId" ORDER BY "parentId", max(seq) DESC`,
    [rootIds],
  );
  for (const r of rows) {
    const at = r.at.toISOString();
    const summary = summaries.get(r.parentId);
    if (!summary) summaries.set(r.parentId, { replierIds: [r.authorId], lastReplyAt: at });
    else {
      if (summary.replierIds.length < SHOWN_REPLIERS) summary.replierIds.push(r.authorId);
      if (at > summary.lastReplyAt) summary.lastReplyAt = at;
    }
  }
  return summaries;
}
