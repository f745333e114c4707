// Signals that are never stored: typing and presence. They go over the bus only, on a per-channel topic
// that the sockets of the channel's members listen to.
import type { Bus } from "./bus.js";
import type { PresenceStatus } from "./protocol.js";

export const ephemeralTopic = (channelId: string) => `ephemeral:${channelId}`;

export type Ephemeral =
  | { type: "typing"; channelId: string; userId: string }
  | { type: "presence"; userId: string; status: PresenceStatus; lastSeenAt: string | null };

export async function publishEphemeral(bus: Bus, channelIds: Iterable<string>, message: Ephemeral) {
  const payload = JSON.stringify(message);
  await Promise.all([...channelIds].map((id) => bus.publish(ephemeralTopic(id), payload)));
}
