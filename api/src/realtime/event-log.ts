// The durable message log. Kafka in production (topic partitioned by channel id, so one channel's events
// keep their order); an in-process log for the single-node embedded default. Same interface, same callers.

export interface LogRecord {
  /** The channel id: the partition key. */
  key: string;
  value: string;
}

/** A record that cannot be processed, and why. */
export interface DeadLetterRecord {
  record: LogRecord;
  reason: string;
}

export interface LogBatch {
  partition: number;
  records: LogRecord[];
}

/**
 * Handles one batch from one partition; resolving lets the reader go on to the next batch, throwing
 * redelivers it. The batch is committed once the handler resolved and, if it returns `owed`, once that has
 * resolved too: work the batch still owes (its dead letters' write), done off the delivery path; commits
 * stay in each partition's order, and a batch whose owed work failed is never committed (it is replayed).
 */
export type BatchHandler = (batch: LogBatch) => Promise<HandledBatch | undefined>;

export interface HandledBatch {
  owed: Promise<void>;
}

export interface LogConsumer {
  stop(): Promise<void>;
}

export interface EventLog {
  readonly kind: "kafka" | "memory";
  /** Resolves only once the records are durable (Kafka: acks from all in-sync replicas). */
  append(records: LogRecord[]): Promise<void>;
  consume(group: string, handle: BatchHandler): Promise<LogConsumer>;
  /** Keeps records that cannot be processed, with their reasons, for inspection and replay (one write). */
  deadLetter(letters: DeadLetterRecord[]): Promise<void>;
  ping(): Promise<number>;
  /** How far reader `group` is behind the log, per partition (events), and the dead letters not yet replayed. */
  backlog(group: string): Promise<LogBacklog>;
  /** Re-appends the dead letters not yet replayed to the log; one that fails again is dead-lettered again. */
  replayDeadLetters(): Promise<number>;
  close(): Promise<void>;
}

export interface LogBacklog {
  partitions: { partition: number; lag: number }[];
  deadLetters: number;
}
