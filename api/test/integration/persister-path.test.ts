// The message path against real Kafka, PostgreSQL and Redis: produce → persister → stored with its channel
// sequence → announced on the bus. Replays and repeated sends change nothing; a poison record is
// dead-lettered without stopping its batch.
import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDeadLetters as readDeadLetterTopic, replayDeadLetters } from "../../src/persister/dead-letters.js";
import { Persister } from "../../src/persister/persister.js";
import { type ChannelEvent, channelTopic } from "../../src/realtime/channel-events.js";
import { emitChannelEvents } from "../../src/realtime/emit.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let persister: Persister;

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  persister = new Persister(services);
  await persister.start();
});

afterAll(async () => {
  await persister?.stop();
  await stack?.cleanup();
});

function collect(channelId: string) {
  const seen: ChannelEvent[] = [];
  const ready = services.bus.subscribe(channelTopic(channelId), (payload) => seen.push(JSON.parse(payload)));
  return { seen, ready };
}

async function until(check: () => boolean, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function readDeadLetters(count: number) {
  const kafka = new Kafka({ brokers: stack.config.KAFKA_BROKERS ?? [], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${stack.config.KAFKA_TOPIC_PREFIX}.test-reader` });
  const found: { key: string; reason: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: `${stack.config.KAFKA_TOPIC_PREFIX}.events.dead-letter`, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      found.push({ key: String(message.key), reason: String(message.headers?.reason) });
    },
  });
  await until(() => found.length >= count, `${count} dead letters`);
  await consumer.disconnect();
  return found;
}

const send = (channelId: string, actorId: string, body: string, clientId: string = randomUUID()) => ({
  type: "messageCreated" as const,
  channelId,
  actorId,
  data: { messageId: randomUUID(), clientId, body, parentId: null },
});

describe("persister path", () => {
  it("stores produced messages in order with gap-free sequences and announces them", async () => {
    const user = await createUser(services.db);
    const channel = await createChannel(services.db, [user.id]);
    const { seen, ready } = collect(channel.id);
    await ready;

    const bodies = Array.from({ length: 50 }, (_, i) => `message ${i}`);
    for (const body of bodies) await emitChannelEvents(services.log, [send(channel.id, user.id, body)]);

    await until(() => seen.length === 50, "50 announcements");
    const rows = await services.db.message.findMany({ where: { channelId: channel.id }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => r.body)).toEqual(bodies);
    expect(rows.map((r) => r.seq)).toEqual(bodies.map((_, i) => i + 1));
    expect(seen.map((e) => e.seq)).toEqual(rows.map((r) => r.seq));
    const stored = await services.db.channel.findUniqueOrThrow({ where: { id: channel.id } });
    expect(stored.lastSeq).toBe(50);
  });

  it("ignores a repeated send (same author and client id) and a replayed event", async () => {
    const user = await createUser(services.db);
    const channel = await createChannel(services.db, [user.id]);
    const { seen, ready } = collect(channel.id);
    await ready;

    const [first] = await emitChannelEvents(services.log, [send(channel.id, user.id, "once", "client-1")]);
    await emitChannelEvents(services.log, [send(channel.id, user.id, "twice?", "client-1")]);
    // The same event again, as after a producer retry: it is announced again (clients dedupe by seq) but not stored twice.
    await emitChannelEvents(services.log, [first as NonNullable<typeof first>]);
    await emitChannelEvents(services.log, [send(channel.id, user.id, "after", "client-2")]);

    await until(() => seen.some((e) => e.type === "messageCreated" && e.data.body === "after"), "the last message");
    const rows = await services.db.message.findMany({ where: { channelId: channel.id }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.seq, r.body])).toEqual([
      [1, "once"],
      [2, "after"],
    ]);
    expect(await services.db.channelEvent.count({ where: { channelId: channel.id } })).toBe(2);
  });

  it("dead-letters a poison record and still stores the rest of its batch", async () => {
    const user = await createUser(services.db);
    const channel = await createChannel(services.db, [user.id]);
    const { seen, ready } = collect(channel.id);
    await ready;

    await services.log.append([
      { key: channel.id, value: "{not json" },
      { key: channel.id, value: JSON.stringify({ type: "messageCreated", channelId: channel.id }) },
    ]);
    const missingChannel = randomUUID();
    await emitChannelEvents(services.log, [send(missingChannel, user.id, "to nowhere")]);
    await emitChannelEvents(services.log, [send(channel.id, user.id, "survivor")]);

    await until(() => seen.length === 1, "the good message");
    const rows = await services.db.message.findMany({ where: { channelId: channel.id } });
    expect(rows.map((r) => r.body)).toEqual(["survivor"]);
    expect(await services.db.message.count({ where: { channelId: missingChannel } })).toBe(0);
    // Each partition's letters keep its order; the two channels' partitions have no order between them.
    const letters = await readDeadLetters(3);
    expect(letters.filter((d) => d.key === channel.id).map((d) => d.reason)).toEqual([
      "not_json: 9 characters",
      expect.stringMatching(/^invalid_event: /),
    ]);
    expect(letters.filter((d) => d.key === missingChannel).map((d) => d.reason)).toEqual([
      `channel_missing: channel ${missingChannel}`,
    ]);

    // Once the cause is fixed (the channel exists), the replay tool re-appends the letters: the orphan is
    // stored, the two malformed records come back as dead letters, and a second read starts after them.
    await services.db.channel.create({
      data: { id: missingChannel, kind: "public", name: `late-${missingChannel.slice(0, 8)}` },
    });
    const kafka = new Kafka({ brokers: stack.config.KAFKA_BROKERS ?? [], logLevel: logLevel.NOTHING });
    const dlq = `${stack.config.KAFKA_TOPIC_PREFIX}.events.dead-letter`;
    const replayGroup = `${stack.config.KAFKA_TOPIC_PREFIX}.dead-letter-replay`;
    const listed = await readDeadLetterTopic(kafka, dlq, replayGroup);
    await listed.close();
    const batch = await readDeadLetterTopic(kafka, dlq, replayGroup);
    expect(batch.letters.map((l) => l.reason)).toEqual(letters.map((d) => d.reason));
    await replayDeadLetters(services.log, batch.letters);
    await batch.commit();
    let replayed: { body: string }[] = [];
    const deadline = Date.now() + 20_000;
    while (replayed.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      replayed = await services.db.message.findMany({ where: { channelId: missingChannel } });
    }
    expect(replayed.map((m) => m.body)).toEqual(["to nowhere"]);
    const again = await readDeadLetterTopic(kafka, dlq, replayGroup);
    expect(again.letters.map((l) => l.reason)).toEqual([
      "not_json: 9 characters",
      expect.stringMatching(/^invalid_event: /),
    ]);
    await again.close();
  });
});
