// The Kafka-backed log: idempotent producer with acks=all; one consumer group per reader, committing a
// batch's offsets only after its handler resolved, so nothing is skipped through crashes and rebalances.
import { type Admin, type Consumer, type Kafka, Partitioners, type Producer } from "kafkajs";
import type { Logger } from "pino";
import type { BatchHandler, EventLog, LogConsumer, LogRecord } from "./event-log.js";
import { GroupCommit } from "./group-commit.js";

export interface KafkaLogOptions {
  topicPrefix: string;
  partitions: number;
}

export class KafkaEventLog implements EventLog {
  readonly kind = "kafka";
  readonly topic: string;
  readonly deadLetterTopic: string;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly consumers = new Set<Consumer>();
  private readonly appends: GroupCommit<LogRecord>;

  private constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaLogOptions,
    private readonly log: Logger,
  ) {
    this.topic = `${options.topicPrefix}.events`;
    this.deadLetterTopic = `${options.topicPrefix}.events.dead-letter`;
    // Murmur2 on the channel id (Java-compatible), so a channel maps to one partition whoever produces.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = kafka.admin();
    this.appends = new GroupCommit((records) => this.send(records));
  }

  static async connect(kafka: Kafka, options: KafkaLogOptions, log: Logger): Promise<KafkaEventLog> {
    const eventLog = new KafkaEventLog(kafka, options, log);
    await eventLog.admin.connect();
    await eventLog.ensureTopics();
    await eventLog.producer.connect();
    return eventLog;
  }

  private async ensureTopics() {
    const existing = new Set(await this.admin.listTopics());
    const wanted = [
      { topic: this.topic, numPartitions: this.options.partitions },
      { topic: this.deadLetterTopic, numPartitions: 1 },
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length > 0) await this.admin.createTopics({ topics: wanted, waitForLeaders: true });
    await this.waitForLeaders([this.topic, this.deadLetterTopic]);
  }

  // A busy broker may answer "does not host this topic-partition" for a moment after creating a topic
  // (or after another node created it): wait until every partition has a leader before producing.
  private async waitForLeaders(topics: string[], timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics: found } = await this.admin.fetchTopicMetadata({ topics });
        if (
          found.length === topics.length &&
          found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
        )
          return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline)
        throw new Error(`Kafka topics ${topics.join(", ")} have no leaders after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  append(records: LogRecord[]): Promise<void> {
    return this.appends.add(records);
  }

  private async send(records: LogRecord[]) {
    await this.producer.send({ topic: this.topic, acks: -1, messages: records });
  }

  async consume(group: string, handle: BatchHandler): Promise<LogConsumer> {
    // A short session lets a crashed persister's partitions move to a live one within ~10 s.
    const consumer = this.kafka.consumer({
      groupId: group,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 2_000,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitions,
      eachBatch: async ({ batch, heartbeat, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        const records = batch.messages.map((m) => ({ key: m.key?.toString() ?? "", value: m.value?.toString() ?? "" }));
        await handle({ partition: batch.partition, records });
        resolveOffset(batch.lastOffset());
        const next = (BigInt(batch.lastOffset()) + 1n).toString();
        // Committed only after the batch was handled (stored and announced), but not waited for: the next
        // batch need not pay the broker's round trip. A commit lost in a crash means a replay, which the
        // store drops (event ids), and a later commit of the partition covers an earlier one.
        consumer
          .commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }])
          .catch((err) =>
            this.log.warn({ err, partition: batch.partition }, "offset commit failed; a later one covers it"),
          );
        await heartbeat();
      },
    });
    this.consumers.add(consumer);
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async deadLetter(record: LogRecord, reason: string) {
    this.log.error({ key: record.key, reason }, "event dead-lettered");
    await this.producer.send({
      topic: this.deadLetterTopic,
      acks: -1,
      messages: [{ key: record.key, value: record.value, headers: { reason } }],
    });
  }

  async ping() {
    const started = performance.now();
    await this.admin.fetchTopicMetadata({ topics: [this.topic] });
    return performance.now() - started;
  }

  async close() {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}
