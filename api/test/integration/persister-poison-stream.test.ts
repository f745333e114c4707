// Poison in one channel does not delay another channel's delivery (issue #11): a stream of events the
// persister must refuse (written straight into Kafka, since the API refuses them) runs through one channel
// while messages flow through two others, one on the poisoned channel's partition and one on another. An
// API node and a persister process on real Kafka, PostgreSQL and Redis. What would stall the others is
// work spent on poison inside the transactions all partitions share: retries and their sleeps. So the test
// counts that work where it cannot be hidden, PostgreSQL's rolled-back transactions: an event the schema
// refuses costs none, one the store refuses costs at most the halvings that isolate it. Delivery times are
// printed, and bounded only loosely (a stall of the old kind lasted tens of seconds; on a loaded CI machine
// p99 went from 0.9–1.2 s before the poison to 4.5–7.6 s during it, the isolating transactions being slow): the precise p99 under 1,000 poison sends is the fault runner's
// (ops/chaos), a benchmark on a quiet machine.
import { randomUUID } from "node:crypto";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { describe, expect, it } from "vitest";
import type { PendingChannelEvent } from "../../src/realtime/channel-events.js";
import type { ServerFrame } from "../../src/realtime/protocol.js";
import { apiAndPersister } from "../support/api-and-persister.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";

const POISON = 300;
const SENDS = 40;
/** Loose, for a loaded machine: the old persister retried each poison event with 50–150 ms sleeps inside
 * the shared batch, 300 of them stalling every partition for 15–45 s. */
const allowedP99 = (baselineP99: number) => baselineP99 * 4 + 15_000;
/** Failed transactions to isolate one event the store refuses: halving a batch of up to 2^10 events. */
const ROLLBACKS_PER_STORE_REFUSAL = 11;
const SECRET = "poison-words-that-must-not-be-logged";

const world = apiAndPersister({ SEND_RATE_PER_10S: "1000" });

/** The partition the API's producer picks for a channel (murmur2 of the key, as Kafka's Java client). */
function partitionOf(key: string) {
  const partitionMetadata = Array.from({ length: world.stack.config.KAFKA_PARTITIONS }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return Partitioners.DefaultPartitioner()({ topic: "events", partitionMetadata, message: { key, value: null } });
}

/** A channel of these members whose partition is (or is not) the given one. */
async function channelOnPartition(members: string[], wanted: (partition: number) => boolean) {
  for (;;) {
    const channel = await createChannel(world.services.db, members);
    if (wanted(partitionOf(channel.id))) return channel;
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0, n: ms.length };
};

describe("a poison stream", () => {
  it("does not delay other channels, on its partition or another, and its partition moves on", async () => {
    const [writer, reader] = await Promise.all([createUser(world.services.db), createUser(world.services.db)]);
    const poisoned = await createChannel(world.services.db, [writer.id]);
    const sameLane = await channelOnPartition([writer.id, reader.id], (p) => p === partitionOf(poisoned.id));
    const otherLane = await channelOnPartition([writer.id, reader.id], (p) => p !== partitionOf(poisoned.id));
    const [out, inbox] = await Promise.all([
      TestSocket.connect(world.api.url, await sessionToken(world.services.db, writer.id)),
      TestSocket.connect(world.api.url, await sessionToken(world.services.db, reader.id)),
    ]);
    await Promise.all([out.ok("resume", { positions: {} }), inbox.ok("resume", { positions: {} })]);
    const arrivals = new Map<string, number>();
    inbox.ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if (frame.type === "channelEvent" && frame.event.type === "messageCreated")
        arrivals.set(frame.event.data.messageId, performance.now());
    });

    /** Sends every 50 ms, alternating the two lanes; resolves with each message's send-to-delivery time. */
    async function deliveryTimes(tag: string) {
      const sentAt = new Map<string, number>();
      for (let i = 0; i < SENDS; i++) {
        const channelId = i % 2 === 0 ? sameLane.id : otherLane.id;
        const started = performance.now();
        const { messageId } = await out.ok("sendMessage", { channelId, clientId: `${tag}-${i}`, body: `${tag} ${i}` });
        sentAt.set(messageId, started);
        await new Promise((r) => setTimeout(r, 50));
      }
      await waitFor(() => [...sentAt.keys()].every((id) => arrivals.has(id)), `${tag}: every delivery`, 60_000);
      return [...sentAt].map(([id, started]) => (arrivals.get(id) as number) - started);
    }

    const baseline = summary(await deliveryTimes("baseline"));
    const rollbacksBefore = await rollbacks();

    // The poison: most is what the API used to accept and the store refuses (NUL, lone surrogates), which
    // the event schema now refuses before any transaction; one in ten names an author who is no user, which
    // the store leaves out before writing (author_missing); one in ten reuses a stored message's id, which
    // PostgreSQL refuses (store_refused) and costs a transaction or two to isolate. Written straight into
    // the log (the API refuses all of it), a few at a time, throughout the sends.
    const taken = (await world.services.db.message.findFirstOrThrow({ where: { channelId: sameLane.id } })).id;
    const kind = (i: number) => (i % 10 === 0 ? "no-author" : i % 10 === 5 ? "taken-id" : "bad-text");
    const poison = (i: number): PendingChannelEvent => ({
      type: "messageCreated",
      eventId: randomUUID(),
      at: new Date().toISOString(),
      channelId: poisoned.id,
      actorId: kind(i) === "no-author" ? randomUUID() : writer.id,
      data: {
        messageId: kind(i) === "taken-id" ? taken : randomUUID(),
        clientId: `poison-${i}`,
        body: kind(i) === "bad-text" ? `${SECRET} ${i} ${i % 2 ? "\u0000" : "\ud800"}` : `${SECRET} ${i}`,
        parentId: null,
      },
    });
    let injected = 0;
    const injecting = (async () => {
      while (injected < POISON) {
        const batch = Array.from({ length: 3 }, () => poison(injected++));
        await world.services.log.append(batch.map((e) => ({ key: e.channelId, value: JSON.stringify(e) })));
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    const underPoison = summary(await deliveryTimes("poisoned"));
    await injecting;

    console.log(
      `delivery send→socket (ms), ${SENDS} messages each, ${POISON} poison events, ${world.stack.config.KAFKA_PARTITIONS} partitions:\n` +
        `  before the poison: p50 ${baseline.p50.toFixed(0)}, p99 ${baseline.p99.toFixed(0)}, max ${baseline.max.toFixed(0)}\n` +
        `  during the poison: p50 ${underPoison.p50.toFixed(0)}, p99 ${underPoison.p99.toFixed(0)}, max ${underPoison.max.toFixed(0)}` +
        ` (allowed: p99 up to ${allowedP99(baseline.p99).toFixed(0)})`,
    );
    expect(underPoison.p99).toBeLessThanOrEqual(allowedP99(baseline.p99));
    // The poisoned channel's partition moved on: a good message after the stream is stored.
    await out.ok("sendMessage", { channelId: poisoned.id, clientId: "after", body: "after the poison" });
    await waitFor(() => out.events(poisoned.id).some((e) => e.type === "messageCreated"), "the good message", 60_000);
    expect(
      (await world.services.db.message.findMany({ where: { channelId: poisoned.id } })).map((m) => m.body),
    ).toEqual(["after the poison"]);

    const letters = await readDeadLetters(POISON);
    const reasons = new Map<string, number>();
    for (const reason of letters)
      reasons.set(reason.split(":")[0] as string, (reasons.get(reason.split(":")[0] as string) ?? 0) + 1);
    expect(Object.fromEntries(reasons)).toEqual({
      author_missing: POISON / 10,
      store_refused: POISON / 10,
      invalid_event: (POISON * 8) / 10,
    });
    // No retries: PostgreSQL saw at most the isolating halvings fail, none for what the schema refused.
    const rolledBack = (await settledRollbacks()) - rollbacksBefore;
    console.log(`rolled-back transactions for ${POISON} poison events: ${rolledBack}`);
    expect(rolledBack).toBeGreaterThan(0); // the store refusals did reach PostgreSQL: the count is live
    expect(rolledBack).toBeLessThanOrEqual((POISON / 10) * ROLLBACKS_PER_STORE_REFUSAL);
    expect(world.persister.output()).not.toContain(SECRET);

    out.close();
    inbox.close();
  }, 240_000);
});

/** The test database's rolled-back transactions so far (PostgreSQL's statistics). */
async function rollbacks(): Promise<number> {
  const { rows } = await world.services.sql.query<{ n: string }>(
    "SELECT xact_rollback::text AS n FROM pg_stat_database WHERE datname = current_database()",
  );
  return Number(rows[0]?.n ?? 0);
}

/** rollbacks() once the persister's connections have reported theirs (a backend flushes its statistics when
 * idle, at most once a second): the same count twice, 1.5 s apart. */
async function settledRollbacks(): Promise<number> {
  let last = await rollbacks();
  for (;;) {
    await new Promise((r) => setTimeout(r, 1500));
    const now = await rollbacks();
    if (now === last) return now;
    last = now;
  }
}

async function readDeadLetters(count: number) {
  const kafka = new Kafka({ brokers: world.stack.config.KAFKA_BROKERS ?? [], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${world.stack.config.KAFKA_TOPIC_PREFIX}.test-reader` });
  const reasons: string[] = [];
  await consumer.connect();
  await consumer.subscribe({
    topic: `${world.stack.config.KAFKA_TOPIC_PREFIX}.events.dead-letter`,
    fromBeginning: true,
  });
  await consumer.run({ eachMessage: async ({ message }) => void reasons.push(String(message.headers?.reason)) });
  await waitFor(() => reasons.length >= count, `${count} dead letters`, 120_000);
  await consumer.disconnect();
  return reasons;
}
