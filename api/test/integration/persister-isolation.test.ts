// The persister never stalls on one event (issue #11): an event PostgreSQL refuses is isolated from its
// batch at once, dead-lettered with its reason after one try, and the rest of its partition, and every
// other partition that shared the transaction, is stored in order. No message text reaches a log line.
// Real PostgreSQL; the log and the bus in-process, so each batch is handed to the persister as Kafka would.
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Persister } from "../../src/persister/persister.js";
import { storeEvents } from "../../src/persister/store-events.js";
import { MemoryBus } from "../../src/realtime/bus.js";
import { type ChannelEvent, channelTopic, type PendingChannelEvent } from "../../src/realtime/channel-events.js";
import { MemoryEventLog } from "../../src/realtime/memory-log.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;

beforeAll(async () => {
  stack = await createTestStack();
  services = await stack.open();
});

afterAll(async () => {
  await stack?.cleanup();
});

/** A persister whose every store attempt and log line is recorded. */
function watchedPersister(fail?: (events: PendingChannelEvent[]) => Error | undefined) {
  const log = new MemoryEventLog();
  const bus = new MemoryBus();
  const lines: string[] = [];
  const attempts: string[][] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(line) });
  const persister = new Persister({
    config: stack.config,
    sql: services.sql,
    log,
    bus,
    logger,
    storeEvents: async (sql, events) => {
      attempts.push(events.map((e) => e.eventId));
      const error = fail?.(events);
      if (error) throw error;
      return storeEvents(sql, events);
    },
  });
  const announced = (channelId: string) => {
    const seen: ChannelEvent[] = [];
    void bus.subscribe(channelTopic(channelId), (payload) => seen.push(JSON.parse(payload)));
    return seen;
  };
  return { persister, log, lines, attempts, announced };
}

const SECRET = "words-that-must-not-be-logged";

const send = (channelId: string, actorId: string, body: string): PendingChannelEvent => ({
  type: "messageCreated",
  eventId: randomUUID(),
  at: new Date().toISOString(),
  channelId,
  actorId,
  data: { messageId: randomUUID(), clientId: randomUUID(), body, parentId: null },
});
const records = (events: PendingChannelEvent[]) => events.map((e) => ({ key: e.channelId, value: JSON.stringify(e) }));
const bodiesIn = async (channelId: string) =>
  (await services.db.message.findMany({ where: { channelId }, orderBy: { seq: "asc" } })).map((m) => [m.seq, m.body]);

describe("a poison event", () => {
  it("is isolated at once, dead-lettered after one try, and both partitions move on in order", async () => {
    const user = await createUser(services.db);
    const [p, q] = await Promise.all([createChannel(services.db, [user.id]), createChannel(services.db, [user.id])]);
    const { persister, log, lines, attempts, announced } = watchedPersister();
    const seenP = announced(p.id);
    const seenQ = announced(q.id);
    // Refused by the event schema (the user text policy) before any transaction.
    const refusedBySchema = send(p.id, user.id, `${SECRET} 2 \u0000`);
    const good = ["p1", "p2", "p3", "p4"].map((body) => send(p.id, user.id, body));
    // Passes the event schema; PostgreSQL refuses it (its message id is p1's), as it would any data error.
    const refusedByStore = send(p.id, user.id, `${SECRET} 1`);
    if (refusedByStore.type === "messageCreated" && good[0]?.type === "messageCreated")
      refusedByStore.data.messageId = good[0].data.messageId;
    // Its author is no user: left out by the store before it writes, so it fails no transaction.
    const noAuthor = send(p.id, randomUUID(), `${SECRET} 3`);
    const partitionP = [
      good[0],
      good[1],
      refusedByStore,
      refusedBySchema,
      noAuthor,
      good[2],
      good[3],
    ] as PendingChannelEvent[];
    const partitionQ = ["q1", "q2"].map((body) => send(q.id, user.id, body));

    // Handed over together, as Kafka does with two partitions' batches: they share one transaction.
    await Promise.all([
      persister.handle({ partition: 0, records: records(partitionP) }),
      persister.handle({ partition: 1, records: records(partitionQ) }),
    ]);

    expect(await bodiesIn(p.id)).toEqual([
      [1, "p1"],
      [2, "p2"],
      [3, "p3"],
      [4, "p4"],
    ]);
    expect(await bodiesIn(q.id)).toEqual([
      [1, "q1"],
      [2, "q2"],
    ]);
    await new Promise((r) => setImmediate(r));
    expect(seenP.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(seenQ.map((e) => e.seq)).toEqual([1, 2]);
    expect(Object.fromEntries(log.deadLetters.map((d) => [JSON.parse(d.record.value).eventId, d.reason]))).toEqual({
      [refusedBySchema.eventId]: expect.stringMatching(/^invalid_event: data\.body: must not contain control/),
      [noAuthor.eventId]: `author_missing: user ${noAuthor.actorId}`,
      [refusedByStore.eventId]: expect.stringMatching(
        /^store_refused: SQLSTATE 23505 \(integrity constraint violation\), table Message, constraint Message_pkey$/,
      ),
    });
    expect(log.deadLetters).toHaveLength(3);

    // One try alone for the refused event, none for the one the schema refused; Q paid one shared attempt
    // and one of its own; P's batch was halved until the event at fault stood alone.
    const tried = (id: string) => attempts.filter((a) => a.includes(id));
    expect(tried(refusedByStore.eventId).filter((a) => a.length === 1)).toHaveLength(1);
    expect(tried(refusedBySchema.eventId)).toEqual([]);
    expect(tried(partitionQ[0]?.eventId as string)).toHaveLength(2);
    console.log(
      `store attempts (events each) for 8 events reaching the store, one refused: ${attempts.map((a) => a.length).join(", ")}`,
    );
    expect(attempts.length).toBeLessThanOrEqual(8);

    expect(lines.some((l) => l.includes("batch refused; isolating"))).toBe(true);
    expect(lines.filter((l) => l.includes(SECRET))).toEqual([]);
  });

  it("is not blamed for a failure that is not the data's: the batch fails whole and is redelivered", async () => {
    const user = await createUser(services.db);
    const channel = await createChannel(services.db, [user.id]);
    let restarting = true;
    const adminShutdown = Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
    });
    const { persister, log, attempts } = watchedPersister(() => (restarting ? adminShutdown : undefined));
    const batch = { partition: 0, records: records(["a", "b", "c"].map((body) => send(channel.id, user.id, body))) };

    await expect(persister.handle(batch)).rejects.toBe(adminShutdown);
    expect(attempts).toHaveLength(1);
    expect(log.deadLetters).toEqual([]);
    expect(await bodiesIn(channel.id)).toEqual([]);

    restarting = false;
    await persister.handle(batch); // what the log does with a batch whose handler threw
    expect(await bodiesIn(channel.id)).toEqual([
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ]);
  });
});
