// Type-only surface for web/ and admin/: they `import type` from "api/client" and nothing else.

export type { ModeratedMessage } from "./admin/messages-queries.js";
export type { BulkAction } from "./admin/moderation-actions.js";
export type { UserChannel, UserSession } from "./admin/user-page-queries.js";
export type { AppType } from "./app.js";
export type { MessageView } from "./channels/schemas.js";
export type { Attachment, ChannelFile } from "./files/schemas.js";
export type { ChannelEvent, ChannelEventType } from "./realtime/channel-events.js";
export type * from "./realtime/protocol.js";
