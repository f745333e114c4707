// Events in a channel's ordered log. The API produces them (without a sequence) to the message log; the
// persister assigns each its channel sequence, stores it and only then announces it on the bus.
// Their text fields use the very schemas the edge validates with (socket frames, HTTP bodies), so the
// persister refuses nothing the edge accepted (persister/refusals.test.ts).
import { z } from "zod";
import { ChannelNameSchema, PurposeSchema, TopicSchema } from "../channels/schemas.js";
import { AttachmentSchema, MAX_ATTACHMENTS } from "../files/schemas.js";
import { userText } from "../lib/user-text.js";

/** Code points, after normalizing and trimming (lib/user-text.ts). */
export const MAX_MESSAGE_LENGTH = 4000;
export const MessageBodySchema = userText("multiline", { min: 1, max: MAX_MESSAGE_LENGTH });
/** A sent message's body: may be empty when files go with it (the send action refuses an empty one without). */
export const SentBodySchema = userText("multiline", { min: 0, max: MAX_MESSAGE_LENGTH });
/** Client-generated; compared byte for byte. */
export const ClientIdSchema = userText("token", { min: 1, max: 64 });
/** One emoji or a :short_code: (messages/emoji.ts checks which). */
export const EmojiSchema = userText("token", { min: 1, max: 64 });
/** @here notifies at most this many online members (the event carries their ids). */
export const MAX_HERE_MENTIONS = 10_000;

const envelope = {
  eventId: z.uuid(),
  channelId: z.uuid(),
  actorId: z.uuid(),
  at: z.iso.datetime(),
};

export const mentionsSchema = z.object({
  /** Explicitly mentioned members (`<@user-id>` in the body). */
  userIds: z.array(z.uuid()).max(100),
  /** @channel: every member. */
  channel: z.boolean(),
  /** @here: the members online when it was sent. */
  hereUserIds: z.array(z.uuid()).max(MAX_HERE_MENTIONS),
});

const event = <T extends string, S extends z.ZodRawShape>(type: T, data: S) =>
  z.object({ ...envelope, type: z.literal(type), data: z.object(data) });

// --- calls (owned by api/src/calls/): a call's start and end, shown in the channel's timeline ---
const callEvents = [
  /** actorId started call `callId` in this channel. */
  event("callStarted", { callId: z.uuid() }),
  /**
   * actorId: who started it. `joinedUsers`: how many different people took part. `reason`: the last one
   * left (empty), an admin ended it (ended), the SFU shut down, its media worker or its SFU process died.
   */
  event("callEnded", {
    callId: z.uuid(),
    reason: z.enum(["empty", "ended", "shutdown", "workerDied", "sfuLost"]),
    durationMs: z.number().int().nonnegative(),
    joinedUsers: z.number().int().nonnegative(),
  }),
] as const;
// --- end of calls ---

export const channelEventSchema = z.discriminatedUnion("type", [
  event("messageCreated", {
    messageId: z.uuid(),
    clientId: ClientIdSchema,
    body: SentBodySchema,
    parentId: z.uuid().nullable(),
    mentions: mentionsSchema.optional(),
    /** The files sent with it: ids and metadata, never bytes (files/schemas.ts). */
    attachments: z.array(AttachmentSchema).max(MAX_ATTACHMENTS).optional(),
  }),
  event("messageEdited", { messageId: z.uuid(), body: MessageBodySchema }),
  event("messageDeleted", { messageId: z.uuid() }),
  /**
   * An admin deleted one of the message's files (files/actions.ts). The action has already taken it out of
   * the stored message and its creation event; this event tells open clients, in the channel's order.
   */
  event("attachmentRemoved", { messageId: z.uuid(), fileId: z.uuid() }),
  event("reactionAdded", { messageId: z.uuid(), emoji: EmojiSchema }),
  event("reactionRemoved", { messageId: z.uuid(), emoji: EmojiSchema }),
  event("memberJoined", { userId: z.uuid() }),
  event("memberLeft", { userId: z.uuid() }),
  event("channelUpdated", {
    name: ChannelNameSchema.nullable().optional(),
    topic: TopicSchema.optional(),
    purpose: PurposeSchema.optional(),
    archived: z.boolean().optional(),
  }),
  /** actorId pinned (unpinned) the message; the pin itself is in PostgreSQL (GET /api/channels/{id}/pins). */
  event("messagePinned", { messageId: z.uuid() }),
  event("messageUnpinned", { messageId: z.uuid() }),
  ...callEvents,
]);

/** An event as produced to the log, before it has a place in its channel. */
export type PendingChannelEvent = z.infer<typeof channelEventSchema>;
export type ChannelEventType = PendingChannelEvent["type"];

/** An event once stored: it has its channel sequence. This is what subscribers and history see. */
export type ChannelEvent = PendingChannelEvent & { seq: number };

/** The bus topic on which a channel's committed events are announced. */
export const channelTopic = (channelId: string) => `channel:${channelId}`;
