// Signals that are never stored: typing, presence and who is in a call. They go over the bus only, on a
// per-channel topic that the sockets of the channel's members listen to.
import type { Bus } from "./bus.js";
import type { CallServerFrame, PresenceStatus } from "./protocol.js";

export const ephemeralTopic = (channelId: string) => `ephemeral:${channelId}`;

export type Ephemeral =
  | { type: "typing"; channelId: string; userId: string }
  | { type: "presence"; userId: string; status: PresenceStatus; lastSeenAt: string | null }
  | Extract<CallServerFrame, { type: "callRoster" }>;

/** The bus messages that tell `message` to every member of the channels (one per channel topic). */
export function ephemeralMessages(channelIds: Iterable<string>, message: Ephemeral) {
  const payload = JSON.stringify(message);
  return [...channelIds].map((id) => ({ topic: ephemeralTopic(id), payload }));
}

export async function publishEphemeral(bus: Bus, channelIds: Iterable<string>, message: Ephemeral) {
  await bus.publishMany(ephemeralMessages(channelIds, message));
}
