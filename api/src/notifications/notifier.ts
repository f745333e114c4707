// The notifier: its own consumer group over the channel events log (the same Kafka topic the persister
// reads), so it scales and fails on its own and commits its offsets only after its pushes went out. It
// waits until the persister has stored an event (stored.ts) and notifies of stored events only. For each
// batch: who could hear of each new message (facts.ts), where they are looking (attention.ts), the rules
// (rules.ts), one notification per person and channel (plan.ts), then dispatch.ts. Edits and deletions
// update or withdraw what is shown (changes.ts). One event that cannot be handled is retried alone, then
// dead-lettered with its reason, and the batch goes on.
import { Batches } from "../lib/batches.js";
import { type ChannelEvent, channelEventSchema, type PendingChannelEvent } from "../realtime/channel-events.js";
import type { LogBatch, LogConsumer, LogRecord } from "../realtime/event-log.js";
import type { Services } from "../services.js";
import { attentionOf } from "./attention.js";
import { type Change, draftsForChanges } from "./changes.js";
import { type Draft, dispatch, type Transports } from "./dispatch.js";
import { type Created, gatherFacts } from "./facts.js";
import { InlineQueue } from "./inline-queue.js";
import { notifierBatchSeconds, notifierDecisions, notifierEvents } from "./metrics.js";
import { collapse, decideAll, notificationOf, possiblePairs } from "./plan.js";
import { NotStoredYet, waitUntilStored } from "./stored.js";
import { PushSettingsCache } from "./workspace-settings.js";

/** One consumer group per deployment (topic prefix), beside the persister's. */
export const notifierGroup = (topicPrefix: string) => `${topicPrefix}.notifier`;
/** Events older than this when the notifier reaches them (a long outage, a new group reading old log) are not notified. */
export const MAX_AGE_MS = 30 * 60_000;
/** How long to wait for the persister to store an event before the batch fails and comes again. */
const STORE_WAIT_MS = 30_000;
const ATTEMPTS_PER_EVENT = 3;
/** How long the partitions' batches are gathered before one is handled (a push is not worth a statement each). */
const LINGER_MS = 25;

type Stored = { event: ChannelEvent; seq: number };

export class Notifier {
  private consumer?: LogConsumer;
  private inline?: InlineQueue<LogBatch>;
  private readonly settings: PushSettingsCache;

  constructor(
    private readonly services: Services,
    private readonly transports: Transports,
  ) {
    this.settings = new PushSettingsCache(services.sql);
  }

  async start(group = notifierGroup(this.services.config.KAFKA_TOPIC_PREFIX)): Promise<void> {
    const { log, logger } = this.services;
    if (log.kind === "memory") {
      // The in-process log acknowledges a send once every group has handled it: the notifier takes the batch
      // and returns at once, so no send waits for a push (there are no offsets to commit in memory).
      const queue = new InlineQueue<LogBatch>((batch) => this.handle(batch), logger);
      this.inline = queue;
      this.consumer = await log.consume(group, async (batch) => void queue.add(batch));
      return;
    }
    // Kafka hands over one batch per partition; at a few hundred messages a second over 8 partitions that
    // was ~1.5 messages a batch, each paying its own statements (BENCHMARKS.md §7). The partitions' batches
    // that arrive while one is handled, or within LINGER_MS, are handled as one (partitions hold disjoint
    // channels, so no channel's order changes); the wait also lets the persister store them first. A failed
    // batch fails its partitions' batches, which Kafka hands over again (pushes already sent are not sent
    // twice: dispatch.ts). It owes nothing after a batch (no dead letters), so the log may commit once it resolves.
    const together = new Batches<LogRecord[]>(
      (parts) => this.handle({ partition: -1, records: parts.flat() }),
      LINGER_MS,
    );
    this.consumer = await log.consume(group, async (batch) => void (await together.add(batch.records)));
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    await this.inline?.idle();
  }

  async handle(batch: LogBatch): Promise<void> {
    const events = relevantEvents(batch.records, Date.now());
    if (events.length === 0) return;
    const stopTimer = notifierBatchSeconds.startTimer();
    const seqs = await waitUntilStored(this.services.sql, events, STORE_WAIT_MS);
    const stored = events.flatMap((event) => {
      const seq = seqs.get(event.eventId);
      return seq === undefined ? [] : [{ event: { ...event, seq } as ChannelEvent, seq }];
    });
    try {
      await this.notify(stored);
      for (const { event } of stored) notifierEvents.inc({ type: event.type });
    } catch (error) {
      if (error instanceof NotStoredYet) throw error;
      this.services.logger.warn(
        { err: error, size: stored.length },
        "notifier batch failed; handling its events one by one",
      );
      for (const one of stored) await this.notifyAlone(one);
    }
    stopTimer();
  }

  private async notifyAlone(one: Stored) {
    let lastError: unknown;
    for (let attempt = 1; attempt <= ATTEMPTS_PER_EVENT; attempt++) {
      try {
        await this.notify([one]);
        notifierEvents.inc({ type: one.event.type });
        return;
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
    // Only blame the event if the database answers; otherwise the whole batch comes again later.
    await this.services.sql.query("SELECT 1");
    this.services.logger.error({ err: lastError, eventId: one.event.eventId }, "notification dead-lettered");
    await this.services.sql.query(
      `INSERT INTO "PushDeadLetter" ("eventId", code, reason, payload) VALUES ($1::uuid, 'notify_failed', $2, $3::jsonb)`,
      [one.event.eventId, String(lastError).slice(0, 2000), JSON.stringify(one.event)],
    );
  }

  private async notify(stored: Stored[]) {
    const settings = await this.settings.get();
    const created = stored.filter(
      (s): s is { event: Created & { seq: number }; seq: number } => s.event.type === "messageCreated",
    );
    const changes = stored
      .map((s) => s.event)
      .filter((e): e is Change & { seq: number } => e.type === "messageEdited" || e.type === "messageDeleted");
    await this.notifyCreated(created, settings);
    await dispatch(this.services, this.transports, await draftsForChanges(this.services, changes), settings);
  }

  private async notifyCreated(
    created: { event: Created; seq: number }[],
    settings: { enabled: boolean; previews: boolean },
  ) {
    if (created.length === 0) return;
    const { sql, kv } = this.services;
    const facts = await gatherFacts(sql, created);
    const possible = possiblePairs(facts);
    const attention = await attentionOf(
      kv,
      possible.map((p) => p.member.userId),
    );
    const everyone = facts.messages.flatMap((message) =>
      (facts.members.get(message.event.channelId) ?? []).map((member) => ({ message, member })),
    );
    const decided = decideAll(everyone, attention, new Date());
    for (const { decision } of decided)
      notifierDecisions.inc({ outcome: decision.notify ? "notify" : decision.whyNot });
    const drafts = collapse(decided).map(
      (group): Draft => ({
        userId: group.userId,
        channelId: group.channelId,
        eventIds: group.eventIds,
        mayAlert: true,
        make: (extra) => notificationOf(group, facts, extra),
      }),
    );
    await dispatch(this.services, this.transports, drafts, settings, attention);
  }
}

/** New, edited and deleted messages young enough to notify of; anything else in the log is not for us. */
function relevantEvents(records: LogRecord[], now: number): PendingChannelEvent[] {
  return records.flatMap((record) => {
    let json: unknown;
    try {
      json = JSON.parse(record.value);
    } catch {
      return []; // the persister dead-letters it
    }
    const parsed = channelEventSchema.safeParse(json);
    if (!parsed.success) return [];
    const event = parsed.data;
    if (event.type !== "messageCreated" && event.type !== "messageEdited" && event.type !== "messageDeleted") return [];
    return now - Date.parse(event.at) <= MAX_AGE_MS ? [event] : [];
  });
}
