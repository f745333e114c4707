// The persister: reads pending channel events from the log, stores them in order (store-events.ts),
// then announces the committed events on the bus. Offsets are committed only after both, so a crash
// anywhere replays the batch, and replays are harmless. One bad event never stops a batch: it is retried
// alone, then dead-lettered with its reason. Batches of different partitions that arrive together share one
// transaction (shared-store.ts).
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
import type { EventLog, LogBatch, LogConsumer, LogRecord } from "../realtime/event-log.js";
import { SharedStore } from "./shared-store.js";
import { type StoreResult, storeEvents } from "./store-events.js";

/** One consumer group per deployment (per topic prefix), so test runs and deployments never share offsets. */
export const persisterGroup = (topicPrefix: string) => `${topicPrefix}.persister`;
const ATTEMPTS_PER_EVENT = 3;

export interface PersisterDeps {
  config: Pick<Config, "KAFKA_TOPIC_PREFIX">;
  sql: Sql;
  log: EventLog;
  bus: Bus;
  logger: Logger;
}

export class Persister {
  private consumer?: LogConsumer;
  /** Concurrent partitions' batches go into one transaction together (shared-store.ts). */
  private readonly shared: SharedStore;

  constructor(private readonly deps: PersisterDeps) {
    this.shared = new SharedStore((events) => storeEvents(deps.sql, events));
  }

  async start(group = persisterGroup(this.deps.config.KAFKA_TOPIC_PREFIX)): Promise<void> {
    this.consumer = await this.deps.log.consume(group, (batch) => this.handle(batch));
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  async handle(batch: LogBatch): Promise<void> {
    const stopTimer = persistBatchSeconds.startTimer();
    const events: PendingChannelEvent[] = [];
    const records = new Map<string, LogRecord>();
    for (const record of batch.records) {
      const parsed = parseRecord(record);
      if (typeof parsed === "string") {
        await this.deadLetter(record, parsed);
        continue;
      }
      events.push(parsed);
      records.set(parsed.eventId, record);
    }
    const committed = await this.store(events, records);
    await this.announce(committed);
    stopTimer();
    const oldest = committed.reduce((min, e) => Math.min(min, Date.parse(e.at)), Number.POSITIVE_INFINITY);
    if (Number.isFinite(oldest)) persisterLag.set(Date.now() - oldest);
  }

  private async store(events: PendingChannelEvent[], records: Map<string, LogRecord>): Promise<ChannelEvent[]> {
    if (events.length === 0) return [];
    try {
      return await this.report(await this.shared.store(events), events, records);
    } catch (error) {
      this.deps.logger.warn({ err: error, size: events.length }, "batch failed; storing its events one by one");
    }
    const committed: ChannelEvent[] = [];
    for (const event of events) committed.push(...(await this.storeAlone(event, records)));
    return committed;
  }

  private async storeAlone(event: PendingChannelEvent, records: Map<string, LogRecord>): Promise<ChannelEvent[]> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= ATTEMPTS_PER_EVENT; attempt++) {
      try {
        return await this.report(await storeEvents(this.deps.sql, [event]), [event], records);
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
    // Only blame the event if the database itself answers; otherwise redeliver the whole batch later.
    await this.deps.sql.query("SELECT 1");
    await this.deadLetter(records.get(event.eventId) as LogRecord, `store failed: ${String(lastError)}`);
    return [];
  }

  private async report(
    { committed, orphaned }: StoreResult,
    events: PendingChannelEvent[],
    records: Map<string, LogRecord>,
  ) {
    for (const e of orphaned)
      await this.deadLetter(records.get(e.eventId) as LogRecord, `channel ${e.channelId} does not exist`);
    persistedEvents.inc({ outcome: "stored" }, committed.length);
    persistedEvents.inc({ outcome: "dropped" }, events.length - committed.length - orphaned.length);
    return committed;
  }

  private async announce(committed: ChannelEvent[]) {
    // One pipelined write, in order, so each channel's events are announced in sequence order.
    await this.deps.bus.publishMany(
      committed.map((e) => ({ topic: channelTopic(e.channelId), payload: JSON.stringify(e) })),
    );
  }

  private async deadLetter(record: LogRecord, reason: string) {
    persistedEvents.inc({ outcome: "dead-lettered" });
    await this.deps.log.deadLetter(record, reason);
  }
}

function parseRecord(record: LogRecord): PendingChannelEvent | string {
  let json: unknown;
  try {
    json = JSON.parse(record.value);
  } catch {
    return "not JSON";
  }
  const parsed = channelEventSchema.safeParse(json);
  if (!parsed.success)
    return `invalid event: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`;
  if (parsed.data.channelId !== record.key) return "event channel differs from its partition key";
  return parsed.data;
}
