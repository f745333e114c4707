// Reads the dead-letter topic: every event the persister could not store, with its reason. Replaying
// re-appends them to the event log (after the cause is fixed); one that fails again comes back here.
import { type Kafka, logLevel } from "kafkajs";
import type { EventLog } from "../realtime/event-log.js";

export interface DeadLetter {
  offset: string;
  key: string;
  value: string;
  reason: string;
}

/** The dead letters not yet replayed (the replay group's committed offset onwards), up to the topic's end. */
export interface DeadLetterBatch {
  letters: DeadLetter[];
  /** Marks these letters replayed (the next read starts after them) and disconnects. */
  commit(): Promise<void>;
  /** Disconnects without marking anything. */
  close(): Promise<void>;
}

export async function readDeadLetters(kafka: Kafka, topic: string, group: string): Promise<DeadLetterBatch> {
  const admin = kafka.admin();
  await admin.connect();
  const [end] = await admin.fetchTopicOffsets(topic);
  const [committed] = (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]?.partitions ?? [];
  await admin.disconnect();
  const high = BigInt(end?.high ?? "0");
  const from = committed && committed.offset !== "-1" ? BigInt(committed.offset) : BigInt(end?.low ?? "0");
  if (from >= high) return { letters: [], commit: async () => {}, close: async () => {} };

  const consumer = kafka.consumer({ groupId: group, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const letters: DeadLetter[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          // Only [from, high): the consumer runs on until commit(), and letters written meanwhile (the
          // replayed events refused again) are not part of this batch. Counting them reported a replay of
          // four where two were replayed, and their offsets lie past what commit() marks.
          if (BigInt(message.offset) < from || BigInt(message.offset) >= high) return;
          letters.push({
            offset: message.offset,
            key: message.key?.toString() ?? "",
            value: message.value?.toString() ?? "",
            reason: message.headers?.reason?.toString() ?? "",
          });
          if (BigInt(message.offset) + 1n >= high) resolve();
        },
      })
      .catch(reject);
  });
  return {
    letters,
    async commit() {
      await consumer.commitOffsets([{ topic, partition: 0, offset: high.toString() }]);
      await consumer.disconnect();
    },
    close: () => consumer.disconnect(),
  };
}

export async function replayDeadLetters(log: EventLog, letters: DeadLetter[]): Promise<void> {
  if (letters.length > 0) await log.append(letters.map((l) => ({ key: l.key, value: l.value })));
}

export const silentKafkaLogLevel = logLevel.NOTHING;
