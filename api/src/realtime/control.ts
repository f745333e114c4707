// Per-user control messages on the bus. Every API node subscribes to user:<id> for each user it holds a
// socket for; actions use these to reach all of a user's sockets on every node at once.
import type { Role } from "../generated/prisma/client.js";
import type { PushNotification } from "../notifications/content.js";
import type { Bus } from "./bus.js";

export const userTopic = (userId: string) => `user:${userId}`;

export type UserControl =
  /** Close the user's sockets (all, or those of the listed sessions): ban, deactivation, sign-out. */
  | { type: "sessionsRevoked"; reason: "banned" | "deactivated" | "signedOut"; sessionIds?: string[] }
  /** The user joined or left channels: sockets subscribe or unsubscribe. */
  | { type: "membershipChanged"; joined: string[]; left: string[] }
  /** The user's read position in a channel moved: every tab and device shows the same unread state. */
  | { type: "readState"; channelId: string; seq: number }
  /** An admin changed the user's workspace role. Frames re-read the user anyway (accounts/current-user.ts);
   * this tells the sockets' per-connection state (hub.onAccessChanged) at once. */
  | { type: "roleChanged"; role: Role }
  /** Show (or withdraw) a notification in the user's open tabs (notifications/browser-transport.ts). */
  | { type: "notification"; notification: PushNotification };

/**
 * What changed about a socket's access, for capabilities that keep state per socket (calls): the hub tells
 * every listener registered with `hub.onAccessChanged` as soon as the socket's node hears of it.
 * `session`: the session ended (ban, deactivation, sign-out, expiry); the socket closes right after.
 * `channels`: the user left or was removed from these channels. `role`: the workspace role is now `role`.
 */
export type AccessChange =
  | { kind: "session"; reason: "banned" | "deactivated" | "signedOut" }
  | { kind: "channels"; left: string[] }
  | { kind: "role"; role: Role };

export async function sendUserControl(bus: Bus, userId: string, message: UserControl): Promise<void> {
  await bus.publish(userTopic(userId), JSON.stringify(message));
}
