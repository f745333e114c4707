// What the API has accepted but the persister may not have stored yet (issue #11). A send is acknowledged
// once it is in the log; the persister stores it a moment later. From the acknowledgement on, an edit, a
// deletion, a reaction or a reply must work on it, from any node, and the persister applies them after it
// in the channel's order. So the send records the message's channel and author under its id, in the same
// Redis round trip as its reservation, and reactions keep their latest state until it is stored. Stored
// messages are looked up in PostgreSQL first; these are the fallback for the moments before.
import type { Kv } from "../lib/kv.js";
import type { PendingChannelEvent } from "../realtime/channel-events.js";

/** As long as a send's reservation: far longer than any message waits for the persister. */
export const ACCEPTED_TTL_MS = 24 * 60 * 60 * 1000;

export interface AcceptedMessage {
  id: string;
  channelId: string;
  authorId: string;
  parentId: string | null;
}

type Created = Extract<PendingChannelEvent, { type: "messageCreated" }>;

const messageKey = (messageId: string) => `accepted:${messageId}`;
const reactionKey = (messageId: string, userId: string, emoji: string) => `reaction:${messageId}:${userId}:${emoji}`;

/** Records an accepted send's message (before its acknowledgement leaves). */
export function rememberAccepted(kv: Kv, event: Created): Promise<void> {
  const message: AcceptedMessage = {
    id: event.data.messageId,
    channelId: event.channelId,
    authorId: event.actorId,
    parentId: event.data.parentId,
  };
  return kv.set(messageKey(message.id), JSON.stringify(message), ACCEPTED_TTL_MS);
}

export async function findAccepted(kv: Kv, messageId: string): Promise<AcceptedMessage | null> {
  const found = await kv.get(messageKey(messageId));
  return found ? (JSON.parse(found) as AcceptedMessage) : null;
}

/**
 * Whether the user's reaction is there as of the last toggle accepted, or null when no toggle is
 * remembered (then the stored reactions tell). Two toggles in a row before either is stored add and
 * then remove, as they were sent.
 */
export async function acceptedReaction(kv: Kv, messageId: string, userId: string, emoji: string) {
  const state = await kv.get(reactionKey(messageId, userId, emoji));
  return state === null ? null : state === "on";
}

export function rememberReaction(kv: Kv, messageId: string, userId: string, emoji: string, on: boolean) {
  return kv.set(reactionKey(messageId, userId, emoji), on ? "on" : "off", ACCEPTED_TTL_MS);
}
