// The shapes of channel data on the wire, as zod schemas (validated on the way in, documented in
// /api/openapi.json). Text passes the user text policy (lib/user-text.ts) and is stored as normalized;
// clients escape it when they render.

import { z } from "@hono/zod-openapi";
import { AttachmentSchema } from "../files/schemas.js";
import { userText } from "../lib/user-text.js";

export const tags = {
  channels: ["channels"],
  messages: ["history"],
  search: ["search"],
  admin: ["admin: channels"],
};

/** Lower-cased on the way in, as Slack and Mattermost do ("Dev-Ops" → "dev-ops"), then checked. */
export const ChannelNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.string().regex(/^[a-z0-9_-]{1,80}$/, "1–80 of a-z, 0-9, - and _"))
  .openapi({ type: "string", example: "dev-ops" });
export const TopicSchema = userText("line", { max: 250 });
export const PurposeSchema = userText("multiline", { max: 250 });
/** A name prefix to look for (channel directories). */
export const NamePrefixQuery = userText("line", { max: 80 }).openapi({ description: "Name prefix, any case" });

export const ChannelKindSchema = z.enum(["public", "private", "dm", "group"]).openapi("ChannelKind");
export const NotifyLevelSchema = z.enum(["all", "mentions", "nothing"]).openapi("NotifyLevel");
export const ChannelRoleSchema = z.enum(["admin", "member"]).openapi("ChannelRole");

export const ChannelIdParam = { params: z.object({ id: z.uuid() }) };
export const MemberParam = { params: z.object({ id: z.uuid(), userId: z.uuid() }) };
export const UserIdsBody = z.strictObject({ userIds: z.array(z.uuid()).min(1).max(100) });

/** A decimal integer in a query string ("" and "1e3" are refused, not read as 0 and 1000). */
export const intQuery = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, "a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .openapi({ type: "integer", minimum: min, maximum: max });
export const boolQuery = z.enum(["true", "false"]).transform((v) => v === "true");

export const MemberSchema = z.object({ id: z.uuid(), displayName: z.string() }).openapi("MemberName");

export const ChannelSchema = z
  .object({
    id: z.uuid(),
    kind: ChannelKindSchema,
    /** For DMs and group DMs: the other members' display names. */
    name: z.string(),
    topic: z.string(),
    purpose: z.string(),
    archivedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    lastSeq: z.int(),
    memberCount: z.int(),
    /** The other members of a DM or group DM; empty for public and private channels. */
    otherMembers: z.array(MemberSchema),
    /** The caller's membership, or null when viewing a public channel they have not joined. */
    me: z
      .object({
        role: ChannelRoleSchema,
        lastReadSeq: z.int(),
        muted: z.boolean(),
        notifyLevel: NotifyLevelSchema,
      })
      .nullable(),
  })
  .openapi("Channel");
export const ChannelEnvelope = z.object({ channel: ChannelSchema });
export type ChannelView = z.infer<typeof ChannelSchema>;

export const DirectoryEntrySchema = z
  .object({
    id: z.uuid(),
    kind: ChannelKindSchema,
    name: z.string(),
    topic: z.string(),
    purpose: z.string(),
    archivedAt: z.iso.datetime().nullable(),
    /** New accounts join it (a workspace setting). */
    isDefault: z.boolean(),
    memberCount: z.int(),
    joined: z.boolean(),
  })
  .openapi("DirectoryEntry");

export const MyChannelSchema = z
  .object({
    id: z.uuid(),
    kind: ChannelKindSchema,
    name: z.string(),
    topic: z.string(),
    archivedAt: z.iso.datetime().nullable(),
    otherMembers: z.array(MemberSchema),
    lastSeq: z.int(),
    lastReadSeq: z.int(),
    unreadCount: z.int().openapi({ description: "Unread top-level messages by others; stops counting at 1000" }),
    mentionCount: z.int(),
    muted: z.boolean(),
    notifyLevel: NotifyLevelSchema,
    role: ChannelRoleSchema,
  })
  .openapi("MyChannel");

export const ChannelMemberSchema = z
  .object({
    id: z.uuid(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    role: ChannelRoleSchema,
    joinedAt: z.iso.datetime(),
  })
  .openapi("ChannelMember");

// `userIds`: who reacted, first first (a reaction is one per user and emoji, so count = userIds.length).
export const ReactionSchema = z
  .object({ emoji: z.string(), count: z.int(), me: z.boolean(), userIds: z.array(z.uuid()) })
  .openapi("ReactionCount");

export const MessageSchema = z
  .object({
    id: z.uuid(),
    channelId: z.uuid(),
    seq: z.int(),
    authorId: z.uuid(),
    body: z.string().openapi({ description: '"" once deleted' }),
    parentId: z.uuid().nullable(),
    replyCount: z.int(),
    createdAt: z.iso.datetime(),
    editedAt: z.iso.datetime().nullable(),
    deletedAt: z.iso.datetime().nullable(),
    reactions: z.array(ReactionSchema),
    /** For a thread's first message: who replied most recently (up to 3, newest first), and when last. */
    replierIds: z.array(z.uuid()),
    lastReplyAt: z.iso.datetime().nullable(),
    /** The files sent with it ([] once deleted); fetch them at /api/files/{id}. */
    attachments: z.array(AttachmentSchema),
  })
  .openapi("Message");
export type MessageView = z.infer<typeof MessageSchema>;

export const StoredEventSchema = z.record(z.string(), z.unknown()).openapi("StoredChannelEvent", {
  description: "A ChannelEvent as stored, with its seq (realtime/channel-events.ts)",
});
