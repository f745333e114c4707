// Writes to Kafka through an idempotent producer, one request at a time, and replaces the producer (a new
// producer id) after any write that failed.
//
// Why (issue #20). Kafka's idempotence (KIP-98) is a contract between ONE producer id and the broker: each
// batch carries per-partition sequence numbers, and the broker drops a batch whose sequence it already
// stored. It holds while the producer retries the same batch with the same numbers, and only then. When
// kafkajs gives up on a batch (its retries are spent) it rolls those numbers back, although the broker may
// have stored the batch and only the reply was lost; its next batch then reuses the numbers, and the broker
// either refuses it as out of order or, if it is the same size, answers "duplicate": a write acknowledged
// and never stored. Java's producer avoids this by bumping the producer epoch after a batch expires (KIP-360,
// with delivery.timeout.ms bounding a batch, KIP-91); librdkafka's maintainers advised, before it had
// KIP-360, to decommission the producer and create a new one. kafkajs 2.2.4 has neither, so we do the
// latter: after a failed write the producer is dropped and the next write connects a fresh one, whose
// InitProducerId gives it a new id with sequences from zero. What the failed write carried may or may not
// be in the log; its senders were told `log_unavailable` and retry with the same clientId, which the
// persister stores once (event id, author + clientId).
//
// A sender's wait is bounded elsewhere (GroupCommit's waitMs); a write is not cut short when its senders
// stop waiting: the next write starts only once this one has its verdict from the producer (stored, or
// failed and the producer replaced), so nothing written later can overtake it and no two producers ever
// write at once.
import type { Kafka, Message, Producer, RetryOptions } from "kafkajs";
import { Partitioners } from "kafkajs";
import type { Logger } from "pino";
import { logProducerReplacements } from "../lib/metrics.js";

/**
 * How long kafkajs retries one batch (same sequence numbers) before the write fails: backoffs of 0.1, 0.2,
 * 0.4, 0.8 s, then 1 s each; 6–8 s in all when the broker refuses connections (reconnecting has its own
 * budget, createKafka's). Never a backoff over 1 s, so a write resumes within a second of the broker's return.
 */
export const PRODUCER_RETRY: RetryOptions = {
  retries: 10,
  initialRetryTime: 100,
  maxRetryTime: 1000,
  multiplier: 2,
  factor: 0.2,
};
/** How long the broker may wait for the in-sync replicas before it answers a write (acks=all). */
const ACK_TIMEOUT_MS = 10_000;

export class KafkaWriter {
  private producer?: Producer;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    private readonly log: Logger,
  ) {}

  /** Writes after every earlier write has settled; rejects if the producer failed it. */
  write(topic: string, messages: Message[]): Promise<void> {
    const written = this.tail.then(() => this.writeNow(topic, messages));
    this.tail = written.catch(() => {});
    return written;
  }

  /** Connects the first producer now, so a node that cannot reach the broker fails at start. */
  async connect(): Promise<void> {
    await this.current();
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }

  private async writeNow(topic: string, messages: Message[]) {
    const producer = await this.current();
    try {
      await producer.send({ topic, acks: -1, timeout: ACK_TIMEOUT_MS, messages });
    } catch (error) {
      this.producer = undefined;
      logProducerReplacements.inc();
      this.log.warn({ err: error }, "a write to Kafka failed: its producer is dropped, the next write uses a new one");
      void producer.disconnect().catch(() => {});
      throw error;
    }
  }

  private async current(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2 on the channel id (Java-compatible), so a channel maps to one partition whoever produces.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: PRODUCER_RETRY,
    });
    try {
      await producer.connect(); // InitProducerId: a new producer id, sequences from zero
    } catch (error) {
      void producer.disconnect().catch(() => {});
      throw error;
    }
    this.producer = producer;
    return producer;
  }
}
