// The notifier reads the same log as the persister, in its own consumer group, and so may see an event
// before the persister has stored it. It notifies of stored events only: it waits for them here. An event
// the persister will never store (a repeated send it dropped, an event of a channel that is gone) is left
// out rather than waited for; one still missing after `timeoutMs` fails the batch, which Kafka redelivers.
import type { Sql } from "../lib/sql.js";
import type { PendingChannelEvent } from "../realtime/channel-events.js";

export class NotStoredYet extends Error {}

export async function waitUntilStored(
  sql: Sql,
  events: readonly PendingChannelEvent[],
  timeoutMs: number,
): Promise<Map<string, number>> {
  const seqs = new Map<string, number>();
  let waiting = [...events];
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 250)) {
    const { rows } = await sql.query<{ eventId: string; seq: number }>({
      name: "notify-stored",
      text: `SELECT "eventId", seq FROM "ChannelEvent" WHERE "eventId" = ANY($1::uuid[])`,
      values: [waiting.map((e) => e.eventId)],
    });
    for (const row of rows) seqs.set(row.eventId, row.seq);
    waiting = waiting.filter((e) => !seqs.has(e.eventId));
    if (waiting.length === 0) return seqs;
    const never = await neverStored(sql, waiting);
    waiting = waiting.filter((e) => !never.has(e.eventId));
    if (waiting.length === 0) return seqs;
    if (Date.now() > deadline)
      throw new NotStoredYet(`${waiting.length} events not stored after ${timeoutMs} ms: is the persister running?`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Events of a channel that no longer exists, and sends whose (author, client id) is stored as another message. */
async function neverStored(sql: Sql, events: PendingChannelEvent[]): Promise<Set<string>> {
  const sends = events.filter((e) => e.type === "messageCreated");
  const { rows } = await sql.query<{ eventId: string }>({
    name: "notify-never-stored",
    text: `SELECT v."eventId" FROM unnest($1::uuid[], $2::uuid[]) AS v("eventId", "channelId")
      WHERE NOT EXISTS (SELECT 1 FROM "Channel" c WHERE c.id = v."channelId")
      UNION ALL
      SELECT v."eventId" FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::uuid[]) AS v("eventId", "authorId", "clientId", "messageId")
      JOIN "Message" m ON m."authorId" = v."authorId" AND m."clientId" = v."clientId" AND m.id <> v."messageId"`,
    values: [
      events.map((e) => e.eventId),
      events.map((e) => e.channelId),
      sends.map((e) => e.eventId),
      sends.map((e) => e.actorId),
      sends.map((e) => e.data.clientId),
      sends.map((e) => e.data.messageId),
    ],
  });
  return new Set(rows.map((r) => r.eventId));
}
