// emitChannelEvents(): the only door to the message log. Actions build events; this hides the log.
import { randomUUID } from "node:crypto";
import type { PendingChannelEvent } from "./channel-events.js";
import type { EventLog } from "./event-log.js";

type Draft = Omit<PendingChannelEvent, "eventId" | "at"> & Partial<Pick<PendingChannelEvent, "eventId" | "at">>;

/** Resolves once the events are durable in the log; their channel order is the order given here. */
export async function emitChannelEvents(log: EventLog, drafts: Draft[]): Promise<PendingChannelEvent[]> {
  const events = drafts.map(
    (d) => ({ ...d, eventId: d.eventId ?? randomUUID(), at: d.at ?? new Date().toISOString() }) as PendingChannelEvent,
  );
  await log.append(events.map((e) => ({ key: e.channelId, value: JSON.stringify(e) })));
  return events;
}
