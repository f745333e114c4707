// Stores one batch of pending channel events in a single transaction: drops replays (event id already
// stored) and repeated sends (same author + client id), assigns each channel's next sequences, inserts the
// event log rows and the messages, then applies what the events change. Unique constraints make a replayed
// or doubly-processed batch harmless. Plain pg (lib/sql.ts), not Prisma: a Prisma interactive transaction
// cost ~4 ms of CPU per batch whatever its size (BENCHMARKS.md, finding 5). Every statement works on whole
// arrays (unnest), so a batch costs the same few round trips however many events it holds.
// Times are cast to `timestamp` (no zone), which keeps the UTC wall-clock Prisma stores, whatever the session zone.
import { inTransaction, type Sql, type SqlClient } from "../lib/sql.js";
import type { ChannelEvent, PendingChannelEvent } from "../realtime/channel-events.js";

export interface StoreResult {
  /** Newly stored events and replayed ones that were stored before, in channel order. */
  committed: ChannelEvent[];
  /** Events whose channel no longer exists. */
  orphaned: PendingChannelEvent[];
  /**
   * Sends and reactions whose author is no user: left out before any row is written, rather than failing
   * the transaction (its foreign key), which would make the whole batch, and everyone whose events shared
   * it, wait while the persister isolated the event (issue #11: a stream of them, written into the log,
   * held another channel's deliveries back by 20 s in the fault runner).
   */
  unknownAuthor?: PendingChannelEvent[];
}

/** The events whose author must be a user (a foreign key of the row they write). */
const authored = (e: PendingChannelEvent) => e.type === "messageCreated" || e.type === "reactionAdded";

export async function storeEvents(sql: Sql, events: PendingChannelEvent[]): Promise<StoreResult> {
  return inTransaction(sql, (tx) => storeInTx(tx, events));
}

async function storeInTx(tx: SqlClient, events: PendingChannelEvent[]): Promise<StoreResult> {
  const { replayed, sent, users } = await findStored(tx, events);
  const unknownAuthor: PendingChannelEvent[] = [];
  const fresh = dropRepeatedSends(
    events.filter((e) => {
      if (replayed.has(e.eventId)) return false;
      if (authored(e) && !users.has(e.actorId)) return !unknownAuthor.push(e);
      return true;
    }),
    sent,
  );
  const { placed, orphaned } = await assignSequences(tx, fresh);
  await insertEventsAndMessages(tx, placed);
  await applyChanges(tx, placed);
  // Already in each channel's order: replays come by seq, and every placed event follows them in its channel.
  // (A comparator that only orders within a channel is not a consistent sort order, so none is used.)
  return { committed: [...replayed.values(), ...placed], orphaned, unknownAuthor };
}

/**
 * In one round trip: the batch's events stored before, its sends whose (author, client id) is taken, and
 * which of its authors are users.
 */
async function findStored(tx: SqlClient, events: PendingChannelEvent[]) {
  const sends = events.filter((e) => e.type === "messageCreated");
  const authors = [...new Set(events.filter(authored).map((e) => e.actorId))];
  // Replays ordered by seq so they are announced again in their channel's order.
  const { rows } = await tx.query<
    | { payload: PendingChannelEvent; seq: number; authorId: null; clientId: null; userId: null }
    | { payload: null; seq: null; authorId: string; clientId: string; userId: null }
    | { payload: null; seq: null; authorId: null; clientId: null; userId: string }
  >(
    `SELECT payload, seq, NULL::uuid AS "authorId", NULL::text AS "clientId", NULL::uuid AS "userId"
     FROM "ChannelEvent" WHERE "eventId" = ANY($1::uuid[])
     UNION ALL
     SELECT NULL, NULL, "authorId", "clientId", NULL FROM "Message"
     WHERE ("authorId", "clientId") IN (SELECT * FROM unnest($2::uuid[], $3::text[]))
     UNION ALL
     SELECT NULL, NULL, NULL, NULL, id FROM "User" WHERE id = ANY($4::uuid[])
     ORDER BY seq`,
    [events.map((e) => e.eventId), sends.map((e) => e.actorId), sends.map((e) => e.data.clientId), authors],
  );
  const replayed = new Map<string, ChannelEvent>();
  const sent = new Set<string>();
  const users = new Set<string>();
  for (const r of rows) {
    if (r.payload) replayed.set(r.payload.eventId, { ...r.payload, seq: r.seq });
    else if (r.userId) users.add(r.userId);
    else sent.add(`${r.authorId}/${r.clientId}`);
  }
  return { replayed, sent, users };
}

/** Drops sends whose (author, client id) is stored already or came earlier in the batch. */
function dropRepeatedSends(events: PendingChannelEvent[], sent: Set<string>): PendingChannelEvent[] {
  const seen = new Set(sent);
  return events.filter((e) => {
    if (e.type !== "messageCreated") return true;
    const key = `${e.actorId}/${e.data.clientId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// One UPDATE ... RETURNING reserves every channel's range at once; the row lock it takes orders concurrent
// persisters on the same channel. A channel that returns no row no longer exists: its events are orphaned.
async function assignSequences(tx: SqlClient, events: PendingChannelEvent[]) {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.channelId, (counts.get(e.channelId) ?? 0) + 1);
  if (counts.size === 0) return { placed: [] as ChannelEvent[], orphaned: [] as PendingChannelEvent[] };
  const { rows } = await tx.query<{ id: string; lastSeq: number }>(
    `UPDATE "Channel" c SET "lastSeq" = c."lastSeq" + v.n
     FROM unnest($1::uuid[], $2::int[]) AS v(id, n)
     WHERE c.id = v.id RETURNING c.id, c."lastSeq"`,
    [[...counts.keys()], [...counts.values()]],
  );
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

// One statement for both tables (neither insert reads the other's rows), so one round trip.
async function insertEventsAndMessages(tx: SqlClient, events: ChannelEvent[]) {
  if (events.length === 0) return;
  const created = events.filter((e) => e.type === "messageCreated");
  await tx.query(
    `WITH events AS (
       INSERT INTO "ChannelEvent" ("channelId", seq, "eventId", type, payload, "createdAt")
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::jsonb[], $6::timestamp[]))
     INSERT INTO "Message" (id, "channelId", seq, "authorId", "clientId", body, "parentId", "createdAt", attachments)
     SELECT * FROM unnest($7::uuid[], $8::uuid[], $9::int[], $10::uuid[], $11::text[], $12::text[], $13::uuid[],
       $14::timestamp[], $15::jsonb[])`,
    [
      events.map((e) => e.channelId),
      events.map((e) => e.seq),
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map(({ seq: _seq, ...pending }) => JSON.stringify(pending)),
      events.map((e) => e.at),
      created.map((e) => e.data.messageId),
      created.map((e) => e.channelId),
      created.map((e) => e.seq),
      created.map((e) => e.actorId),
      created.map((e) => e.data.clientId),
      created.map((e) => e.data.body),
      created.map((e) => e.data.parentId),
      created.map((e) => e.at),
      created.map((e) => JSON.stringify(e.data.attachments ?? [])),
    ],
  );
}

type Of<T extends ChannelEvent["type"]> = Extract<ChannelEvent, { type: T }>;
type Change = Of<"messageEdited" | "messageDeleted" | "reactionAdded" | "reactionRemoved">;

// Replies, mentions, edits, deletions and reactions. Membership and channel changes were made by their
// actions already; their events only record them in the channel's order.
// Order matters only among edits and deletions of a message (an edit after a deletion does nothing), and
// among additions and removals of a reaction; the messages themselves are all inserted already, so an edit
// may follow its message in the same batch. So: replies and mentions of every new message at once, then
// edits/deletions and reactions each as runs of same-type events in sequence order, one statement a run.
async function applyChanges(tx: SqlClient, events: ChannelEvent[]) {
  await applyCreated(
    tx,
    events.filter((e): e is Of<"messageCreated"> => e.type === "messageCreated"),
  );
  const isEdit = (e: ChannelEvent): e is Change => e.type === "messageEdited" || e.type === "messageDeleted";
  const isReaction = (e: ChannelEvent): e is Change => e.type === "reactionAdded" || e.type === "reactionRemoved";
  for (const run of runsOfOneType(events.filter(isEdit))) await applyRun(tx, run);
  for (const run of runsOfOneType(events.filter(isReaction))) await applyRun(tx, run);
  await rewriteOldVersions(
    tx,
    events.filter(isEdit).map((e) => e.data.messageId),
  );
}

// Only a message's current text stays in the event log: its creation and every edit are rewritten to it
// ("" once deleted, including an edit that raced past the deletion, and its attachments [] then too), so
// resume, resync and the events route never replay a text its author replaced or removed, nor the names of
// its files. The events keep their place in the sequence,
// and replaying them still ends at the current text. Runs for the messages this batch edited or deleted;
// their edits all come after the message (seq > its seq), which keeps the scan to the recent end.
async function rewriteOldVersions(tx: SqlClient, messageIds: string[]) {
  if (messageIds.length === 0) return;
  await tx.query(
    `WITH changed AS (
       SELECT id, "channelId", seq, to_jsonb(body) AS body, attachments FROM "Message" WHERE id = ANY($1::uuid[])),
     created AS (
       UPDATE "ChannelEvent" e SET payload = CASE WHEN e.payload->'data' ? 'attachments'
         THEN jsonb_set(jsonb_set(e.payload, '{data,body}', c.body), '{data,attachments}', c.attachments)
         ELSE jsonb_set(e.payload, '{data,body}', c.body) END
       FROM changed c WHERE e."channelId" = c."channelId" AND e.seq = c.seq)
     UPDATE "ChannelEvent" e SET payload = jsonb_set(e.payload, '{data,body}', c.body)
     FROM changed c WHERE e."channelId" = c."channelId" AND e.seq > c.seq AND e.type = 'messageEdited'
       AND e.payload->'data'->>'messageId' = c.id::text`,
    [[...new Set(messageIds)]],
  );
}

function runsOfOneType(events: Change[]): Change[][] {
  const runs: Change[][] = [];
  for (const e of events) {
    const last = runs.at(-1);
    if (last?.[0]?.type === e.type) last.push(e);
    else runs.push([e]);
  }
  return runs;
}

/** Keeps one event per key: the first or the last, as applying them one by one would leave it. */
function onePer<T>(events: T[], key: (e: T) => string, keep: "first" | "last"): T[] {
  const byKey = new Map<string, T>();
  for (const e of events) if (keep === "last" || !byKey.has(key(e))) byKey.set(key(e), e);
  return [...byKey.values()];
}

async function applyRun(tx: SqlClient, run: Change[]) {
  const type = run[0]?.type;
  if (type === "messageEdited") await applyEdits(tx, run as Of<"messageEdited">[]);
  else if (type === "messageDeleted") await applyDeletes(tx, run as Of<"messageDeleted">[]);
  else if (type === "reactionAdded") await applyReactionsAdded(tx, run as Of<"reactionAdded">[]);
  else if (type === "reactionRemoved") await applyReactionsRemoved(tx, run as Of<"reactionRemoved">[]);
}

async function applyEdits(tx: SqlClient, run: Of<"messageEdited">[]) {
  const edits = onePer(run, (e) => `${e.data.messageId}/${e.channelId}`, "last");
  await tx.query(
    `UPDATE "Message" m SET body = v.body, "editedAt" = v.at
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamp[]) AS v(id, "channelId", body, at)
     WHERE m.id = v.id AND m."channelId" = v."channelId" AND m."deletedAt" IS NULL`,
    [
      edits.map((e) => e.data.messageId),
      edits.map((e) => e.channelId),
      edits.map((e) => e.data.body),
      edits.map((e) => e.at),
    ],
  );
}

async function applyDeletes(tx: SqlClient, run: Of<"messageDeleted">[]) {
  const deletes = onePer(run, (e) => `${e.data.messageId}/${e.channelId}`, "last");
  await tx.query(
    `WITH deleted AS (
       UPDATE "Message" m SET body = '', attachments = '[]', "deletedAt" = v.at
       FROM unnest($1::uuid[], $2::uuid[], $3::timestamp[]) AS v(id, "channelId", at)
       WHERE m.id = v.id AND m."channelId" = v."channelId" RETURNING m.id, v.at)
     UPDATE "File" f SET "deletedAt" = d.at FROM deleted d WHERE f."messageId" = d.id AND f."deletedAt" IS NULL`,
    [deletes.map((e) => e.data.messageId), deletes.map((e) => e.channelId), deletes.map((e) => e.at)],
  );
}

async function applyReactionsAdded(tx: SqlClient, run: Of<"reactionAdded">[]) {
  const added = onePer(run, (e) => `${e.data.messageId}/${e.actorId}/${e.data.emoji}`, "first");
  await tx.query(
    `INSERT INTO "Reaction" ("messageId", "userId", emoji, "createdAt")
     SELECT v.* FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamp[]) AS v("messageId", "userId", emoji, at)
     WHERE EXISTS (SELECT 1 FROM "Message" WHERE id = v."messageId") ON CONFLICT DO NOTHING`,
    [
      added.map((e) => e.data.messageId),
      added.map((e) => e.actorId),
      added.map((e) => e.data.emoji),
      added.map((e) => e.at),
    ],
  );
}

async function applyReactionsRemoved(tx: SqlClient, run: Of<"reactionRemoved">[]) {
  await tx.query(
    `DELETE FROM "Reaction" r USING unnest($1::uuid[], $2::uuid[], $3::text[]) AS v("messageId", "userId", emoji)
     WHERE r."messageId" = v."messageId" AND r."userId" = v."userId" AND r.emoji = v.emoji`,
    [run.map((e) => e.data.messageId), run.map((e) => e.actorId), run.map((e) => e.data.emoji)],
  );
}

async function applyCreated(tx: SqlClient, created: Of<"messageCreated">[]) {
  const replies = new Map<string, number>();
  for (const e of created) if (e.data.parentId) replies.set(e.data.parentId, (replies.get(e.data.parentId) ?? 0) + 1);
  if (replies.size > 0) {
    await tx.query(
      `UPDATE "Message" m SET "replyCount" = m."replyCount" + v.n
       FROM unnest($1::uuid[], $2::int[]) AS v(id, n) WHERE m.id = v.id`,
      [[...replies.keys()], [...replies.values()]],
    );
  }
  await insertMentions(tx, created);
  await bindAttachments(tx, created);
}

// The files a message carries become its own: from now on its channel's readers may fetch them. Only the
// sender's pending uploads to that channel are bound (the API checked as much; a file reaped meanwhile
// stays deleted).
async function bindAttachments(tx: SqlClient, created: Of<"messageCreated">[]) {
  const bound = created.flatMap((e) =>
    (e.data.attachments ?? []).map((a) => ({ fileId: a.id, messageId: e.data.messageId, e })),
  );
  if (bound.length === 0) return;
  await tx.query(
    `UPDATE "File" f SET "messageId" = v."messageId"
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[]) AS v(id, "messageId", "uploaderId", "channelId")
     WHERE f.id = v.id AND f."uploaderId" = v."uploaderId" AND f."channelId" = v."channelId"
       AND f."messageId" IS NULL AND f."deletedAt" IS NULL`,
    [
      bound.map((b) => b.fileId),
      bound.map((b) => b.messageId),
      bound.map((b) => b.e.actorId),
      bound.map((b) => b.e.channelId),
    ],
  );
}

// @channel first: a member both @channel-ed and named keeps the kind "channel" (ON CONFLICT DO NOTHING).
async function insertMentions(tx: SqlClient, created: Of<"messageCreated">[]) {
  const everyone = created.filter((e) => e.data.mentions?.channel);
  if (everyone.length > 0) {
    await tx.query(
      `INSERT INTO "Mention" ("messageId", "userId", "channelId", seq, kind)
       SELECT v."messageId", m."userId", m."channelId", v.seq, 'channel'
       FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::uuid[]) AS v("messageId", "channelId", seq, "actorId")
       JOIN "ChannelMember" m ON m."channelId" = v."channelId" AND m."userId" <> v."actorId"
       ON CONFLICT DO NOTHING`,
      [
        everyone.map((e) => e.data.messageId),
        everyone.map((e) => e.channelId),
        everyone.map((e) => e.seq),
        everyone.map((e) => e.actorId),
      ],
    );
  }
  const named = created.flatMap(namedMentions);
  if (named.length > 0) {
    await tx.query(
      `INSERT INTO "Mention" ("messageId", "userId", "channelId", seq, kind)
       SELECT v."messageId", m."userId", m."channelId", v.seq, v.kind
       FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::uuid[], $5::text[]) AS v("messageId", "channelId", seq, "userId", kind)
       JOIN "ChannelMember" m ON m."channelId" = v."channelId" AND m."userId" = v."userId"
       ON CONFLICT DO NOTHING`,
      [
        named.map((n) => n.messageId),
        named.map((n) => n.channelId),
        named.map((n) => n.seq),
        named.map((n) => n.userId),
        named.map((n) => n.kind),
      ],
    );
  }
}

/** Members named (`<@id>`, kind "user") or online for @here (kind "here"), never the author. */
function namedMentions(e: Of<"messageCreated">) {
  const mentions = e.data.mentions;
  if (!mentions) return [];
  const users = new Set(mentions.userIds);
  const ids = [...new Set([...mentions.userIds, ...mentions.hereUserIds])].filter((id) => id !== e.actorId);
  return ids.map((userId) => ({
    messageId: e.data.messageId,
    channelId: e.channelId,
    seq: e.seq,
    userId,
    kind: users.has(userId) ? "user" : "here",
  }));
}
