// What a file looks like to clients and in events: its id and metadata, never its bytes or storage key.
// The same schema is carried by messageCreated (realtime/channel-events.ts) and by message views.
import { z } from "@hono/zod-openapi";
import { userText } from "../lib/user-text.js";

/** At most this many files go with one message. */
export const MAX_ATTACHMENTS = 10;

/** A file's name as shown and offered for download; never a path (slashes and backslashes refused). */
export const FileNameSchema = userText("line", { min: 1, max: 255 }).refine(
  (name) => !/[/\\]/.test(name) && name !== "." && name !== "..",
  "a file name, not a path",
);

export const AttachmentSchema = z
  .object({
    id: z.uuid(),
    name: z.string().min(1).max(255),
    size: z.int().nonnegative(),
    /** Sniffed from the bytes on upload. */
    mime: z.string().min(1).max(128),
    /** image: thumbnail and preview renditions exist; file: a download only. */
    kind: z.enum(["image", "file"]),
    width: z.int().positive().nullable(),
    height: z.int().positive().nullable(),
  })
  .openapi("Attachment");
export type Attachment = z.infer<typeof AttachmentSchema>;

export const AttachmentIdsSchema = z.array(z.uuid()).max(MAX_ATTACHMENTS);

/** A channel's file as its Files tab lists it. */
export const ChannelFileSchema = AttachmentSchema.extend({
  channelId: z.uuid(),
  messageId: z.uuid(),
  uploaderId: z.uuid(),
  uploaderName: z.string(),
  createdAt: z.iso.datetime(),
}).openapi("ChannelFile");
export type ChannelFile = z.infer<typeof ChannelFileSchema>;
