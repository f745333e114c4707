// Times are cast to `timestamp` (no zone), which keeps the UTC wall-clock Prisma stores, whatever the session zone.
// Stores one batch of pending channel events in a single transaction: drops replays (event id already
// stored) and repeated sends (same author + client id), assigns each channel's next sequences, inserts the
// event log rows and the messages. Unique constraints make a replayed or doubly-processed batch harmless.
import type { Db } from "../lib/prisma.js";
import type { ChannelEvent, PendingChannelEvent } from "../realtime/channel-events.js";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export interface StoreResult {
  /** Newly stored events and replayed ones that were stored before, in channel order. */
  committed: ChannelEvent[];
  /** Events whose channel no longer exists. */
  orphaned: PendingChannelEvent[];
}

export async function storeEvents(db: Db, events: PendingChannelEvent[]): Promise<StoreResult> {
  return db.$transaction((tx) => storeInTx(tx, events));
}

async function storeInTx(tx: Tx, events: PendingChannelEvent[]): Promise<StoreResult> {
  const replayed = await findStored(
    tx,
    events.map((e) => e.eventId),
  );
  const fresh = await dropRepeatedSends(
    tx,
    events.filter((e) => !replayed.has(e.eventId)),
  );
  const { placed, orphaned } = await assignSequences(tx, fresh);
  await insertEvents(tx, placed);
  await insertMessages(tx, placed);
  await applyChanges(tx, placed);
  const committed = [...replayed.values(), ...placed].sort((a, b) => (a.channelId === b.channelId ? a.seq - b.seq : 0));
  return { committed, orphaned };
}

async function findStored(tx: Tx, eventIds: string[]): Promise<Map<string, ChannelEvent>> {
  const rows = await tx.$queryRaw<{ payload: PendingChannelEvent; seq: number }[]>`
    SELECT payload, seq FROM "ChannelEvent" WHERE "eventId" = ANY(${eventIds}::uuid[])`;
  return new Map(rows.map((r) => [r.payload.eventId, { ...r.payload, seq: r.seq }]));
}

async function dropRepeatedSends(tx: Tx, events: PendingChannelEvent[]): Promise<PendingChannelEvent[]> {
  const sends = events.filter((e) => e.type === "messageCreated");
  if (sends.length === 0) return events;
  const rows = await tx.$queryRaw<{ authorId: string; clientId: string }[]>`
    SELECT "authorId", "clientId" FROM "Message"
    WHERE ("authorId", "clientId") IN (
      SELECT * FROM unnest(${sends.map((e) => e.actorId)}::uuid[], ${sends.map((e) => e.data.clientId)}::text[]))`;
  const seen = new Set(rows.map((r) => `${r.authorId}/${r.clientId}`));
  return events.filter((e) => {
    if (e.type !== "messageCreated") return true;
    const key = `${e.actorId}/${e.data.clientId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function assignSequences(tx: Tx, events: PendingChannelEvent[]) {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.channelId, (counts.get(e.channelId) ?? 0) + 1);
  if (counts.size === 0) return { placed: [] as ChannelEvent[], orphaned: [] as PendingChannelEvent[] };
  const rows = await tx.$queryRaw<{ id: string; lastSeq: number }[]>`
    UPDATE "Channel" c SET "lastSeq" = c."lastSeq" + v.n
    FROM unnest(${[...counts.keys()]}::uuid[], ${[...counts.values()]}::int[]) AS v(id, n)
    WHERE c.id = v.id RETURNING c.id, c."lastSeq"`;
  const next = new Map(rows.map((r) => [r.id, r.lastSeq - (counts.get(r.id) ?? 0) + 1]));
  const placed: ChannelEvent[] = [];
  const orphaned: PendingChannelEvent[] = [];
  for (const e of events) {
    const seq = next.get(e.channelId);
    if (seq === undefined) {
      orphaned.push(e);
      continue;
    }
    next.set(e.channelId, seq + 1);
    placed.push({ ...e, seq });
  }
  return { placed, orphaned };
}

async function insertEvents(tx: Tx, events: ChannelEvent[]) {
  if (events.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "ChannelEvent" ("channelId", seq, "eventId", type, payload, "createdAt")
    SELECT * FROM unnest(${events.map((e) => e.channelId)}::uuid[], ${events.map((e) => e.seq)}::int[],
      ${events.map((e) => e.eventId)}::uuid[], ${events.map((e) => e.type)}::text[],
      ${events.map(({ seq: _seq, ...pending }) => JSON.stringify(pending))}::jsonb[],
      ${events.map((e) => e.at)}::timestamp[])`;
}

async function insertMessages(tx: Tx, events: ChannelEvent[]) {
  const created = events.filter((e) => e.type === "messageCreated");
  if (created.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "Message" (id, "channelId", seq, "authorId", "clientId", body, "parentId", "createdAt")
    SELECT * FROM unnest(${created.map((e) => e.data.messageId)}::uuid[], ${created.map((e) => e.channelId)}::uuid[],
      ${created.map((e) => e.seq)}::int[], ${created.map((e) => e.actorId)}::uuid[],
      ${created.map((e) => e.data.clientId)}::text[], ${created.map((e) => e.data.body)}::text[],
      ${created.map((e) => e.data.parentId)}::uuid[], ${created.map((e) => e.at)}::timestamp[])`;
}

type Of<T extends ChannelEvent["type"]> = Extract<ChannelEvent, { type: T }>;

// Replies, mentions, edits, deletions and reactions, in sequence order (an edit may follow its message in
// the same batch). Membership and channel changes were made by their actions already; their events only
// record them in the channel's order.
async function applyChanges(tx: Tx, events: ChannelEvent[]) {
  for (const e of events) {
    switch (e.type) {
      case "messageCreated":
        await applyCreated(tx, e);
        break;
      case "messageEdited":
        await tx.$executeRaw`UPDATE "Message" SET body = ${e.data.body}, "editedAt" = ${e.at}::timestamp
          WHERE id = ${e.data.messageId}::uuid AND "channelId" = ${e.channelId}::uuid AND "deletedAt" IS NULL`;
        break;
      case "messageDeleted":
        await tx.$executeRaw`UPDATE "Message" SET body = '', "deletedAt" = ${e.at}::timestamp
          WHERE id = ${e.data.messageId}::uuid AND "channelId" = ${e.channelId}::uuid`;
        break;
      case "reactionAdded":
        await tx.$executeRaw`INSERT INTO "Reaction" ("messageId", "userId", emoji, "createdAt")
          SELECT ${e.data.messageId}::uuid, ${e.actorId}::uuid, ${e.data.emoji}, ${e.at}::timestamp
          WHERE EXISTS (SELECT 1 FROM "Message" WHERE id = ${e.data.messageId}::uuid) ON CONFLICT DO NOTHING`;
        break;
      case "reactionRemoved":
        await tx.$executeRaw`DELETE FROM "Reaction"
          WHERE "messageId" = ${e.data.messageId}::uuid AND "userId" = ${e.actorId}::uuid AND emoji = ${e.data.emoji}`;
        break;
      default:
        break;
    }
  }
}

async function applyCreated(tx: Tx, e: Of<"messageCreated">) {
  if (e.data.parentId) {
    await tx.$executeRaw`UPDATE "Message" SET "replyCount" = "replyCount" + 1 WHERE id = ${e.data.parentId}::uuid`;
  }
  const mentions = e.data.mentions;
  if (!mentions) return;
  const explicit = [...new Set([...mentions.userIds, ...mentions.hereUserIds])].filter((id) => id !== e.actorId);
  if (mentions.channel) {
    await tx.$executeRaw`INSERT INTO "Mention" ("messageId", "userId", "channelId", seq, kind)
      SELECT ${e.data.messageId}::uuid, "userId", "channelId", ${e.seq}, 'channel' FROM "ChannelMember"
      WHERE "channelId" = ${e.channelId}::uuid AND "userId" <> ${e.actorId}::uuid ON CONFLICT DO NOTHING`;
  }
  if (explicit.length > 0) {
    await tx.$executeRaw`INSERT INTO "Mention" ("messageId", "userId", "channelId", seq, kind)
      SELECT ${e.data.messageId}::uuid, m."userId", m."channelId", ${e.seq},
        CASE WHEN m."userId" = ANY(${mentions.userIds}::uuid[]) THEN 'user' ELSE 'here' END
      FROM "ChannelMember" m WHERE m."channelId" = ${e.channelId}::uuid AND m."userId" = ANY(${explicit}::uuid[])
      ON CONFLICT DO NOTHING`;
  }
}
