// emitChannelEvents(): the only door to the message log. Actions build events; this hides the log.
import { randomUUID } from "node:crypto";
import type { PendingChannelEvent } from "./channel-events.js";
import type { EventLog } from "./event-log.js";

type Draft = Omit<PendingChannelEvent, "eventId" | "at"> & Partial<Pick<PendingChannelEvent, "eventId" | "at">>;

/**
 * Resolves once the events are durable in the log; their channel order is the order given here.
 * `onQueued` hears when they have their place in the log's order (both logs queue an append as it is
 * called, FIFO), before they are durable: what the caller appends after that comes after them.
 */
export async function emitChannelEvents(
  log: EventLog,
  drafts: Draft[],
  onQueued?: () => void,
): Promise<PendingChannelEvent[]> {
  const events = drafts.map(
    (d) => ({ ...d, eventId: d.eventId ?? randomUUID(), at: d.at ?? new Date().toISOString() }) as PendingChannelEvent,
  );
  const appended = log.append(events.map((e) => ({ key: e.channelId, value: JSON.stringify(e) })));
  onQueued?.();
  await appended;
  return events;
}
