// After a membership or channel change is committed: record it in the channel's ordered log (an
// informational event; the change itself is already in PostgreSQL) and tell the affected users' sockets
// to start or stop receiving the channel's events.
import type { PendingChannelEvent } from "../realtime/channel-events.js";
import { sendUserControl } from "../realtime/control.js";
import { emitChannelEvents } from "../realtime/emit.js";
import type { Services } from "../services.js";

type Draft = Omit<PendingChannelEvent, "eventId" | "at">;

/** The change is committed whatever happens here, so a failed emit is logged, not thrown. */
export async function emitInformational(services: Services, drafts: Draft[]) {
  if (drafts.length === 0) return;
  try {
    await emitChannelEvents(services.log, drafts);
  } catch (error) {
    services.logger.error({ err: error, types: drafts.map((d) => d.type) }, "could not record a channel change");
  }
}

export async function announceMembership(
  services: Services,
  channelId: string,
  actorId: string,
  change: { joined?: string[]; left?: string[] },
) {
  const joined = change.joined ?? [];
  const left = change.left ?? [];
  await emitInformational(services, [
    ...joined.map((userId) => ({ type: "memberJoined" as const, channelId, actorId, data: { userId } })),
    ...left.map((userId) => ({ type: "memberLeft" as const, channelId, actorId, data: { userId } })),
  ]);
  const results = await Promise.allSettled([
    ...joined.map((userId) =>
      sendUserControl(services.bus, userId, { type: "membershipChanged", joined: [channelId], left: [] }),
    ),
    ...left.map((userId) =>
      sendUserControl(services.bus, userId, { type: "membershipChanged", joined: [], left: [channelId] }),
    ),
  ]);
  // Sockets that miss this pick the membership up when they reconnect and resume.
  for (const result of results) {
    if (result.status === "rejected")
      services.logger.error({ err: result.reason, channelId }, "could not tell sockets about a membership change");
  }
}
