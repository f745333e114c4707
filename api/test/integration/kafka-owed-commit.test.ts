// What a batch still owes after its handler resolved (the persister's dead letters, written off the delivery
// path, issue #11) holds back that batch's commit, and only the commit: the reader goes on to the next batch
// at once, and the partition's offset is committed once the owed work is done. So a slow dead-letter write
// delays nobody's delivery, and a crash before it is durable replays the batch. A KafkaEventLog on the real
// broker, with a handler whose owed work the test finishes by hand.
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/logger.js";
import type { LogBatch, LogConsumer } from "../../src/realtime/event-log.js";
import { KafkaEventLog } from "../../src/realtime/kafka-log.js";
import { deleteKafkaPrefix } from "../support/cleanup.js";
import { testEnv } from "../support/env.js";
import { kafkaTopicPrefix, uniqueSuffix } from "../support/names.js";
import { waitFor } from "../support/socket-client.js";

const prefix = kafkaTopicPrefix(uniqueSuffix());
const group = `${prefix}.owed`;
const admin = new Kafka({ brokers: testEnv.kafkaBrokers, clientId: "owed-probe", logLevel: logLevel.NOTHING }).admin();
let log: KafkaEventLog;
let consumer: LogConsumer | undefined;

beforeAll(async () => {
  log = await KafkaEventLog.connect(
    { brokers: testEnv.kafkaBrokers, clientId: "owed-commit" },
    { topicPrefix: prefix, partitions: 1, sendTimeoutMs: 10_000 },
    createLogger("warn", "owed-commit"),
  );
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await consumer?.stop();
  await log?.close();
  await admin.disconnect();
  await deleteKafkaPrefix(testEnv.kafkaBrokers, prefix);
});

const committedOffset = async () =>
  (await admin.fetchOffsets({ groupId: group, topics: [`${prefix}.events`] }))[0]?.partitions[0]?.offset;

async function untilCommitted(offset: string) {
  const deadline = Date.now() + 30_000;
  while ((await committedOffset()) !== offset) {
    if (Date.now() > deadline) throw new Error(`offset ${offset} not committed in 30 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("work a batch still owes", () => {
  it("holds back only that batch's commit, not the next batch", async () => {
    const seen: string[][] = [];
    let finishOwed = () => {};
    const owed = new Promise<void>((resolve) => {
      finishOwed = resolve;
    });
    consumer = await log.consume(group, async (batch: LogBatch) => {
      seen.push(batch.records.map((r) => r.value));
      // The first batch owes work the test finishes later; later batches owe nothing.
      return seen.length === 1 ? { owed } : undefined;
    });

    await log.append([{ key: "k", value: "first" }]);
    await waitFor(() => seen.length === 1, "the first batch");
    await log.append([{ key: "k", value: "second" }]);
    // The reader went on although the first batch's work is still owed.
    await waitFor(() => seen.flat().includes("second"), "the second batch");
    // Give a commit that should not happen the time to happen: nothing of the partition is committed.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await committedOffset()).toBe("-1");

    finishOwed();
    // Then both: the second batch's commit waited for the first's owed work, and covers it.
    await untilCommitted("2");
  }, 120_000);
});
