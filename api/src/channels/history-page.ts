// A page of a channel's top-level messages (GET /api/channels/{id}/messages): the hot read of history, on
// prepared plain-pg statements (api/README, "data access") rather than Prisma, whose query compiler cost
// more CPU than the statements themselves. The same rules as access.ts's checkCanView, asked of the
// primary in one statement with the channel's position; the rows come from the replica when it has
// replayed the channel that far (lib/read-replica.ts).
import { forbidden, notFound } from "../errors.js";
import { channelSqlReader, type SqlReads } from "../lib/read-replica.js";
import type { Sql } from "../lib/sql.js";
import { type Actor, isGuest } from "./access.js";
import { type MessageRow, sqlRows, withReactions } from "./history.js";

export interface SeqPage {
  /** Older than this seq, newest of them first in the query (returned oldest first). */
  before?: number | undefined;
  /** Newer than this seq. */
  after?: number | undefined;
  limit: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** checkCanView's rule (members; any non-guest for a public channel) and the channel's lastSeq, in one query. */
async function viewablePosition(sql: Sql, actor: Actor, channelId: string): Promise<number> {
  if (!UUID.test(channelId)) throw notFound("Channel");
  const { rows } = await sql.query<{ kind: string; lastSeq: number; member: boolean }>({
    name: "history-view",
    text: `SELECT c.kind::text AS kind, c."lastSeq", m."userId" IS NOT NULL AS member
      FROM "Channel" c LEFT JOIN "ChannelMember" m ON m."channelId" = c.id AND m."userId" = $2::uuid
      WHERE c.id = $1::uuid`,
    values: [channelId, actor.id],
  });
  const row = rows[0];
  if (!row) throw notFound("Channel");
  if (row.member || (row.kind === "public" && !isGuest(actor))) return row.lastSeq;
  throw forbidden("You are not a member of this channel.", "not_member");
}

const COLUMNS = `id, "channelId", seq, "authorId", body, "parentId", "replyCount", "createdAt", "editedAt",
  "deletedAt", attachments`;
const TOP_LEVEL = `FROM "Message" WHERE "channelId" = $1::uuid AND "parentId" IS NULL`;
/** One statement per shape, so each keeps an index range scan on (channelId, seq) as a generic plan. */
const PAGES = {
  newest: `SELECT ${COLUMNS} ${TOP_LEVEL} ORDER BY seq DESC LIMIT $2`,
  before: `SELECT ${COLUMNS} ${TOP_LEVEL} AND seq < $3 ORDER BY seq DESC LIMIT $2`,
  after: `SELECT ${COLUMNS} ${TOP_LEVEL} AND seq > $3 ORDER BY seq ASC LIMIT $2`,
};

/**
 * One page of top-level messages, always returned oldest first. Without `after` it is the newest `limit`
 * before `before` (or the end); `hasMore` says whether older ones remain. With `after` it is the oldest
 * `limit` after it; `hasMore` says whether newer ones remain. `lastSeq` is read first, so resuming the
 * socket from it misses nothing (what the page already holds arrives again and is deduped by seq).
 */
export async function listMessages(reads: SqlReads, actor: Actor, channelId: string, page: SeqPage) {
  const lastSeq = await viewablePosition(reads.sql, actor, channelId);
  const sql = await channelSqlReader(reads, channelId, lastSeq);
  const shape = page.after !== undefined ? "after" : page.before !== undefined ? "before" : "newest";
  const bound = page.after ?? page.before;
  const { rows } = await sql.query<MessageRow>({
    name: `history-page-${shape}`,
    text: PAGES[shape],
    values: shape === "newest" ? [channelId, page.limit + 1] : [channelId, page.limit + 1, bound],
  });
  const hasMore = rows.length > page.limit;
  const messages = rows.slice(0, page.limit);
  if (shape !== "after") messages.reverse();
  return { messages: await withReactions(sqlRows(sql), actor.id, messages), hasMore, lastSeq };
}
