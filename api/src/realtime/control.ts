// Per-user control messages on the bus. Every API node subscribes to user:<id> for each user it holds a
// socket for; actions use these to reach all of a user's sockets on every node at once.
import type { Bus } from "./bus.js";

export const userTopic = (userId: string) => `user:${userId}`;

export type UserControl =
  /** Close the user's sockets (all, or those of the listed sessions): ban, deactivation, sign-out. */
  | { type: "sessionsRevoked"; reason: "banned" | "deactivated" | "signedOut"; sessionIds?: string[] }
  /** The user joined or left channels: sockets subscribe or unsubscribe. */
  | { type: "membershipChanged"; joined: string[]; left: string[] }
  /** The user's read position in a channel moved: every tab and device shows the same unread state. */
  | { type: "readState"; channelId: string; seq: number };

export async function sendUserControl(bus: Bus, userId: string, message: UserControl): Promise<void> {
  await bus.publish(userTopic(userId), JSON.stringify(message));
}
