// Events in a channel's ordered log. The API produces them (without a sequence) to the message log; the
// persister assigns each its channel sequence, stores it and only then announces it on the bus.
import { z } from "zod";

export const MAX_MESSAGE_LENGTH = 4000;
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
  /** actorId: who started it. `joinedUsers`: how many different people took part. */
  event("callEnded", {
    callId: z.uuid(),
    reason: z.enum(["empty", "ended", "shutdown", "workerDied"]),
    durationMs: z.number().int().nonnegative(),
    joinedUsers: z.number().int().nonnegative(),
  }),
] as const;
// --- end of calls ---

export const channelEventSchema = z.discriminatedUnion("type", [
  event("messageCreated", {
    messageId: z.uuid(),
    clientId: z.string().min(1).max(64),
    body: z.string().min(1).max(MAX_MESSAGE_LENGTH),
    parentId: z.uuid().nullable(),
    mentions: mentionsSchema.optional(),
  }),
  event("messageEdited", { messageId: z.uuid(), body: z.string().min(1).max(MAX_MESSAGE_LENGTH) }),
  event("messageDeleted", { messageId: z.uuid() }),
  event("reactionAdded", { messageId: z.uuid(), emoji: z.string().min(1).max(64) }),
  event("reactionRemoved", { messageId: z.uuid(), emoji: z.string().min(1).max(64) }),
  event("memberJoined", { userId: z.uuid() }),
  event("memberLeft", { userId: z.uuid() }),
  event("channelUpdated", {
    name: z.string().nullable().optional(),
    topic: z.string().optional(),
    purpose: z.string().optional(),
    archived: z.boolean().optional(),
  }),
  ...callEvents,
]);

/** An event as produced to the log, before it has a place in its channel. */
export type PendingChannelEvent = z.infer<typeof channelEventSchema>;
export type ChannelEventType = PendingChannelEvent["type"];

/** An event once stored: it has its channel sequence. This is what subscribers and history see. */
export type ChannelEvent = PendingChannelEvent & { seq: number };

/** The bus topic on which a channel's committed events are announced. */
export const channelTopic = (channelId: string) => `channel:${channelId}`;
