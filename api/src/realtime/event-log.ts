// The durable message log. Kafka in production (topic partitioned by channel id, so one channel's events
// keep their order); an in-process log for the single-node embedded default. Same interface, same callers.

export interface LogRecord {
  /** The channel id: the partition key. */
  key: string;
  value: string;
}

export interface LogBatch {
  partition: number;
  records: LogRecord[];
}

/** Handles one batch from one partition; resolving commits it, throwing redelivers it. */
export type BatchHandler = (batch: LogBatch) => Promise<void>;

export interface LogConsumer {
  stop(): Promise<void>;
}

export interface EventLog {
  readonly kind: "kafka" | "memory";
  /** Resolves only once the records are durable (Kafka: acks from all in-sync replicas). */
  append(records: LogRecord[]): Promise<void>;
  consume(group: string, handle: BatchHandler): Promise<LogConsumer>;
  /** Keeps a record that cannot be processed, with the reason, for inspection and replay. */
  deadLetter(record: LogRecord, reason: string): Promise<void>;
  ping(): Promise<number>;
  close(): Promise<void>;
}
