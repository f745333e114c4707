// Type-only surface for web/ and admin/: they `import type` from "api/client" and nothing else.
export type { AppType } from "./app.js";
export type { MessageView } from "./channels/schemas.js";
export type { ChannelEvent, ChannelEventType } from "./realtime/channel-events.js";
export type * from "./realtime/protocol.js";
