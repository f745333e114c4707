// The persister: reads pending channel events from the log, stores them in order (store-events.ts),
// then announces the committed events on the bus. Offsets are committed only after both, and after the
// batch's dead letters are written (off the delivery path), so a crash anywhere replays the batch, and
// replays are harmless. Batches of different partitions that arrive
// together share one transaction (shared-store.ts).
//
// One bad event never stalls a partition, nor anyone else's: an event that fails its schema is
// dead-lettered before any transaction; when PostgreSQL blames a batch's data (refusals.ts), the batch is
// halved until the events at fault stand alone, each is dead-lettered with its reason at its first failure
// (the same data would fail again), and the rest are stored in order. Any other failure (the database
// restarting, a lost connection) fails the whole batch, which the log redelivers.
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { persistBatchSeconds, persistedEvents, persisterLag } from "../lib/metrics.js";
import type { Sql } from "../lib/sql.js";
import type { Bus } from "../realtime/bus.js";
import {
  type ChannelEvent,
  channelEventSchema,
  channelTopic,
  type PendingChannelEvent,
} from "../realtime/channel-events.js";
import type {
  DeadLetterRecord,
  EventLog,
  HandledBatch,
  LogBatch,
  LogConsumer,
  LogRecord,
} from "../realtime/event-log.js";
import { describeStoreError, isDataRefusal, type Refusal, refusalReason } from "./refusals.js";
import { SharedStore } from "./shared-store.js";
import { type StoreResult, storeEvents } from "./store-events.js";

/** One consumer group per deployment (per topic prefix), so test runs and deployments never share offsets. */
export const persisterGroup = (topicPrefix: string) => `${topicPrefix}.persister`;

export interface PersisterDeps {
  config: Pick<Config, "KAFKA_TOPIC_PREFIX">;
  sql: Sql;
  log: EventLog;
  bus: Bus;
  logger: Logger;
  /** Stores one batch in one transaction; tests may wrap it to watch. */
  storeEvents?: (sql: Sql, events: PendingChannelEvent[]) => Promise<StoreResult>;
}

export class Persister {
  private consumer?: LogConsumer;
  /** Concurrent partitions' batches go into one transaction together (shared-store.ts). */
  private readonly shared: SharedStore;
  private readonly storeOne: (events: PendingChannelEvent[]) => Promise<StoreResult>;
  /** Each partition's dead-letter writes still under way, in order. */
  private readonly letterWrites = new Map<number, Promise<void>>();
  private stopping = false;

  constructor(private readonly deps: PersisterDeps) {
    const store = deps.storeEvents ?? storeEvents;
    this.storeOne = (events) => store(deps.sql, events);
    this.shared = new SharedStore(this.storeOne, isDataRefusal);
  }

  async start(group = persisterGroup(this.deps.config.KAFKA_TOPIC_PREFIX)): Promise<void> {
    this.consumer = await this.deps.log.consume(group, (batch) => this.handle(batch));
  }

  async stop(): Promise<void> {
    // Dead letters still being written are finished, or given up at their next failure (not committed).
    this.stopping = true;
    await this.consumer?.stop();
    await Promise.all(this.letterWrites.values());
  }

  async handle(batch: LogBatch): Promise<HandledBatch | undefined> {
    const stopTimer = persistBatchSeconds.startTimer();
    const work = new BatchWork();
    const events: PendingChannelEvent[] = [];
    for (const record of batch.records) {
      const parsed = parseRecord(record);
      if ("refusal" in parsed) work.refuse(record, parsed.refusal, parsed.detail);
      else {
        events.push(parsed);
        work.records.set(parsed.eventId, record);
      }
    }
    const committed = await this.store(events, work);
    await this.announce(committed);
    stopTimer();
    const oldest = committed.reduce((min, e) => Math.min(min, Date.parse(e.at)), Number.POSITIVE_INFINITY);
    if (Number.isFinite(oldest)) persisterLag.set(Date.now() - oldest);
    // The dead letters are written off the delivery path: the partition's next batch need not wait for
    // that Kafka round trip (a poison stream in the log made every poisoned batch, and so the other
    // channels of its partition and of every partition fetched with it, pay it: issue #11). The log
    // commits this batch only once they are durable; until then a crash replays the batch, whose stored
    // events every reader drops by seq.
    if (work.letters.length === 0) return undefined;
    return { owed: this.writeDeadLetters(batch.partition, work.letters) };
  }

  /** Writes one batch's dead letters after the partition's earlier ones, retrying until done or stopped. */
  private writeDeadLetters(partition: number, letters: DeadLetterRecord[]): Promise<void> {
    const previous = this.letterWrites.get(partition) ?? Promise.resolve();
    const written = previous.then(async () => {
      for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
        try {
          await this.deps.log.deadLetter(letters);
          persistedEvents.inc({ outcome: "dead-lettered" }, letters.length);
          return;
        } catch (error) {
          if (this.stopping) throw error;
          this.deps.logger.warn({ err: error, letters: letters.length }, "dead letters not written; retrying");
          await new Promise((r) => setTimeout(r, wait));
        }
      }
    });
    // The log reports a failure (the batch is then not committed); later batches' letters still go.
    const settled = written.catch(() => {});
    this.letterWrites.set(partition, settled);
    void settled.then(() => {
      if (this.letterWrites.get(partition) === settled) this.letterWrites.delete(partition);
    });
    return written;
  }

  private async store(events: PendingChannelEvent[], work: BatchWork): Promise<ChannelEvent[]> {
    if (events.length === 0) return [];
    try {
      return work.report(await this.shared.store(events), events);
    } catch (error) {
      if (!isDataRefusal(error)) throw error; // not the data's fault: the log redelivers the batch
      // The error alone: PostgreSQL's message and detail can quote the data (message text).
      this.deps.logger.warn({ reason: describeStoreError(error), size: events.length }, "batch refused; isolating");
      return this.storeHalves(events, work, error);
    }
  }

  /**
   * `events` failed together with `error`: an event alone is dead-lettered at once; more are halved and each
   * half stored on its own, the first before the second, so every channel keeps its order.
   */
  private async storeHalves(events: PendingChannelEvent[], work: BatchWork, error: unknown): Promise<ChannelEvent[]> {
    const [only] = events;
    if (events.length === 1 && only) {
      work.refuse(work.recordOf(only), "store_refused", describeStoreError(error));
      return [];
    }
    const middle = Math.ceil(events.length / 2);
    const committed: ChannelEvent[] = [];
    for (const half of [events.slice(0, middle), events.slice(middle)]) {
      try {
        committed.push(...work.report(await this.storeOne(half), half));
      } catch (halfError) {
        if (!isDataRefusal(halfError)) throw halfError;
        committed.push(...(await this.storeHalves(half, work, halfError)));
      }
    }
    return committed;
  }

  private async announce(committed: ChannelEvent[]) {
    // One pipelined write, in order, so each channel's events are announced in sequence order.
    await this.deps.bus.publishMany(
      committed.map((e) => ({ topic: channelTopic(e.channelId), payload: JSON.stringify(e) })),
    );
  }
}

/** One batch's records by event id and the dead letters it is gathering. */
class BatchWork {
  readonly records = new Map<string, LogRecord>();
  readonly letters: DeadLetterRecord[] = [];

  refuse(record: LogRecord, refusal: Refusal, detail: string) {
    this.letters.push({ record, reason: refusalReason(refusal, detail) });
  }

  recordOf(event: PendingChannelEvent) {
    return this.records.get(event.eventId) as LogRecord;
  }

  /** Counts a store's outcome; an event whose channel is gone, or whose author is no user, is refused. */
  report({ committed, orphaned, unknownAuthor = [] }: StoreResult, events: PendingChannelEvent[]) {
    for (const e of orphaned) this.refuse(this.recordOf(e), "channel_missing", `channel ${e.channelId}`);
    for (const e of unknownAuthor) this.refuse(this.recordOf(e), "author_missing", `user ${e.actorId}`);
    persistedEvents.inc({ outcome: "stored" }, committed.length);
    persistedEvents.inc(
      { outcome: "dropped" },
      events.length - committed.length - orphaned.length - unknownAuthor.length,
    );
    return committed;
  }
}

type Parsed = PendingChannelEvent | { refusal: Refusal; detail: string };

function parseRecord(record: LogRecord): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(record.value);
  } catch {
    return { refusal: "not_json", detail: `${record.value.length} characters` };
  }
  const parsed = channelEventSchema.safeParse(json);
  // Paths and zod's messages only (the user text policy's messages name a code point, never the text).
  if (!parsed.success)
    return {
      refusal: "invalid_event",
      detail: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    };
  if (parsed.data.channelId !== record.key) return { refusal: "wrong_partition", detail: `key ${record.key}` };
  return parsed.data;
}
