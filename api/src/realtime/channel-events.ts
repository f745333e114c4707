// Events in a channel's ordered log. The API produces them (without a sequence) to the message log; the
// persister assigns each its channel sequence, stores it and only then announces it on the bus.
import { z } from "zod";

export const MAX_MESSAGE_LENGTH = 4000;

const envelope = {
  eventId: z.uuid(),
  channelId: z.uuid(),
  actorId: z.uuid(),
  at: z.iso.datetime(),
};

export const messageCreatedSchema = z.object({
  ...envelope,
  type: z.literal("messageCreated"),
  data: z.object({
    messageId: z.uuid(),
    clientId: z.string().min(1).max(64),
    body: z.string().min(1).max(MAX_MESSAGE_LENGTH),
    parentId: z.uuid().nullable(),
  }),
});

export const channelEventSchema = z.discriminatedUnion("type", [messageCreatedSchema]);

/** An event as produced to the log, before it has a place in its channel. */
export type PendingChannelEvent = z.infer<typeof channelEventSchema>;
export type ChannelEventType = PendingChannelEvent["type"];

/** An event once stored: it has its channel sequence. This is what subscribers and history see. */
export type ChannelEvent = PendingChannelEvent & { seq: number };

/** The bus topic on which a channel's committed events are announced. */
export const channelTopic = (channelId: string) => `channel:${channelId}`;
