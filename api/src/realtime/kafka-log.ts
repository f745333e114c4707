// The Kafka-backed log: idempotent producer with acks=all, replaced after a failed write (kafka-writer.ts);
// appends wait at most sendTimeoutMs; one consumer group per reader, committing a batch's offsets only
// after its handler resolved, so nothing is skipped through crashes and rebalances.
import type { Admin, Consumer, Kafka } from "kafkajs";
import type { Logger } from "pino";
import { createKafka, type KafkaClient } from "../lib/kafka.js";
import { logAppendsTimedOut } from "../lib/metrics.js";
import { readDeadLetters } from "../persister/dead-letters.js";
import type { BatchHandler, DeadLetterRecord, EventLog, LogBacklog, LogConsumer, LogRecord } from "./event-log.js";
import { GroupCommit, GroupCommitTimeout } from "./group-commit.js";
import { KafkaWriter } from "./kafka-writer.js";

export interface KafkaLogOptions {
  topicPrefix: string;
  partitions: number;
  /** How long an append waits for the broker before it is refused (the sender retries). */
  sendTimeoutMs: number;
}

/**
 * How a reader rides out a broker restart and how fast a dead one is replaced (issue #20).
 * - It never gives up while the broker is away: its client reconnects and kafkajs retries the fetch loop
 *   (backoff at most 1 s) with the same group member id, so when the broker is back it heartbeats as the
 *   member it was and carries on. Had it crashed, kafkajs would restart it as a NEW member, and the group
 *   would wait out the old member's session before anyone could consume.
 * - The session is the broker's minimum (group.min.session.timeout.ms, 6 s by default): the longest a group
 *   waits for a member that died without leaving (kill -9) before its partitions move on.
 * A reader that stops (SIGTERM, or a non-retriable error) leaves the group, so nobody waits for it.
 */
const READER_RETRIES = Number.MAX_SAFE_INTEGER;
const CONSUMER_TIMING = {
  // How long the broker holds a fetch that finds nothing new. A stopping reader waits for its fetch in
  // flight (kafkajs's fetch manager), so at kafkajs's default of 5 s an idle reader's stop took ~4.5 s of a
  // node's SIGTERM → exit (BENCHMARKS.md §8). New records end a fetch at once whatever this is, so only an
  // idle reader's poll rate changes: one fetch a second per broker.
  maxWaitTimeInMs: 1000,
  sessionTimeout: 6000,
  heartbeatInterval: 1000,
  retry: { retries: READER_RETRIES, initialRetryTime: 100, maxRetryTime: 1000, multiplier: 2, factor: 0.2 },
};

export class KafkaEventLog implements EventLog {
  readonly kind = "kafka";
  readonly topic: string;
  readonly deadLetterTopic: string;
  private readonly writer: KafkaWriter;
  private readonly admin: Admin;
  private readonly consumers = new Set<Consumer>();
  private readonly appends: GroupCommit<LogRecord>;
  /** The readers' own client: it never stops reconnecting (CONSUMER_TIMING). */
  private readonly readers: Kafka;

  private constructor(
    client: KafkaClient,
    private readonly options: KafkaLogOptions,
    private readonly log: Logger,
  ) {
    this.topic = `${options.topicPrefix}.events`;
    this.deadLetterTopic = `${options.topicPrefix}.events.dead-letter`;
    const kafka = createKafka(client, log);
    this.readers = createKafka(client, log, READER_RETRIES);
    this.writer = new KafkaWriter(kafka, log);
    this.admin = kafka.admin();
    this.appends = new GroupCommit((records) => this.writer.write(this.topic, records), 1000, options.sendTimeoutMs);
  }

  static async connect(client: KafkaClient, options: KafkaLogOptions, log: Logger): Promise<KafkaEventLog> {
    const eventLog = new KafkaEventLog(client, options, log);
    await eventLog.admin.connect();
    await eventLog.ensureTopics();
    await eventLog.writer.connect();
    return eventLog;
  }

  private async ensureTopics() {
    const existing = new Set(await this.admin.listTopics());
    const wanted = [
      { topic: this.topic, numPartitions: this.options.partitions },
      { topic: this.deadLetterTopic, numPartitions: 1 },
    ].filter((t) => !existing.has(t.topic));
    // kafkajs's own waitForLeaders gives up on "does not host this topic-partition", which a busy
    // replicated cluster answers for a while after creating a topic: wait below, tolerating it.
    if (wanted.length > 0) await this.admin.createTopics({ topics: wanted, waitForLeaders: false });
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
    return this.appends.add(records).catch((error) => {
      if (error instanceof GroupCommitTimeout) logAppendsTimedOut.inc();
      throw error;
    });
  }

  async consume(group: string, handle: BatchHandler): Promise<LogConsumer> {
    const consumer = this.readers.consumer({
      groupId: group,
      allowAutoTopicCreation: false,
      ...CONSUMER_TIMING,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    /** Each partition's last commit, so the next waits for it (and for the owed work before it). */
    const commits = new Map<number, Promise<unknown>>();
    /** Each partition's newest offset to commit: an older one still waiting is then skipped. */
    const newest = new Map<number, string>();
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitions,
      eachBatch: async ({ batch, heartbeat, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        const records = batch.messages.map((m) => ({ key: m.key?.toString() ?? "", value: m.value?.toString() ?? "" }));
        const handled = await handle({ partition: batch.partition, records });
        resolveOffset(batch.lastOffset());
        const next = (BigInt(batch.lastOffset()) + 1n).toString();
        // Committed only after the batch was handled (stored and announced) and what it still owed is done
        // (its dead letters written), but not waited for: the next batch need not pay the broker's round
        // trips. A commit lost in a crash means a replay, which the store drops (event ids), and a later
        // commit of the partition covers an earlier one, so a partition's commits wait for each other.
        const previous = commits.get(batch.partition) ?? Promise.resolve();
        newest.set(batch.partition, next);
        const committed = previous.then(async () => {
          await handled?.owed;
          if (newest.get(batch.partition) !== next) return; // a later batch's commit covers this one
          await consumer
            .commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }])
            .catch((err) =>
              this.log.warn({ err, partition: batch.partition }, "offset commit failed; a later one covers it"),
            );
        });
        commits.set(batch.partition, committed);
        // Owed work that failed (its owner gave up, stopping): nothing more of the partition is committed
        // by this reader, and the next one replays from the last commit.
        handled?.owed.catch((err) =>
          this.log.warn({ err, partition: batch.partition }, "a batch's owed work failed; its offset is not committed"),
        );
        committed.catch(() => {});
        await heartbeat();
      },
    });
    this.consumers.add(consumer);
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        // The commits still waiting for owed work (which the handler's owner settles before it stops).
        await Promise.allSettled(commits.values());
        await consumer.disconnect();
      },
    };
  }

  async deadLetter(letters: DeadLetterRecord[]) {
    // One line per write, not per letter: a poison stream must not become a logging storm. Each letter
    // and its reason are in the dead-letter topic (src/persister/replay-dead-letters.ts lists them).
    const reasons: Record<string, number> = {};
    for (const { reason } of letters) {
      const refusal = reason.split(":", 1)[0] ?? reason;
      reasons[refusal] = (reasons[refusal] ?? 0) + 1;
    }
    const [first] = letters;
    this.log.error(
      { count: letters.length, reasons, first: first && { key: first.record.key, reason: first.reason } },
      "events dead-lettered",
    );
    await this.writer.write(
      this.deadLetterTopic,
      letters.map(({ record, reason }) => ({ key: record.key, value: record.value, headers: { reason } })),
    );
  }

  async ping() {
    const started = performance.now();
    // Both topics, as backlog() asks for: when this refreshes the admin's cached metadata (expired, or
    // after a lost connection), asking for the event topic alone would leave the dead-letter topic out of
    // the cache, and a backlog() running beside it would find no partitions for that topic (kafkajs then
    // throws "Cannot destructure property 'partitions'"; the live view showed no dead letters).
    await this.admin.fetchTopicMetadata({ topics: [this.topic, this.deadLetterTopic] });
    return performance.now() - started;
  }

  /** The replay tool's group (persister/replay-dead-letters.ts): its offset marks what was replayed. */
  private get replayGroup() {
    return `${this.options.topicPrefix}.dead-letter-replay`;
  }

  async backlog(group: string): Promise<LogBacklog> {
    const [ends, committed, deadEnds, replayed] = await Promise.all([
      this.admin.fetchTopicOffsets(this.topic),
      this.admin.fetchOffsets({ groupId: group, topics: [this.topic] }),
      this.admin.fetchTopicOffsets(this.deadLetterTopic),
      this.admin.fetchOffsets({ groupId: this.replayGroup, topics: [this.deadLetterTopic] }),
    ]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    const partitions = ends
      .map((end) => {
        const at = done.get(end.partition) ?? -1;
        // No commit yet: the group reads from the beginning (fromBeginning), so all of it is behind.
        const from = at < 0 ? Number(end.low) : at;
        return { partition: end.partition, lag: Math.max(0, Number(end.high) - from) };
      })
      .sort((a, b) => a.partition - b.partition);
    const deadEnd = deadEnds[0];
    const replayedTo = Number(replayed[0]?.partitions[0]?.offset ?? "-1");
    const deadFrom = replayedTo < 0 ? Number(deadEnd?.low ?? 0) : replayedTo;
    return { partitions, deadLetters: Math.max(0, Number(deadEnd?.high ?? 0) - deadFrom) };
  }

  async replayDeadLetters() {
    const batch = await readDeadLetters(this.readers, this.deadLetterTopic, this.replayGroup);
    try {
      if (batch.letters.length > 0) await this.append(batch.letters.map((l) => ({ key: l.key, value: l.value })));
    } catch (error) {
      await batch.close();
      throw error;
    }
    await batch.commit();
    return batch.letters.length;
  }

  async close() {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    await this.writer.close();
    await this.admin.disconnect();
  }
}
