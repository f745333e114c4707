// The socket frame of notifications: each tab reports what it shows while focused (attention.ts).
import { checkMember } from "../messages/checks.js";
import type { HandlerMap } from "../realtime/handlers.js";
import { setFocus } from "./attention.js";

export const notificationHandlers: HandlerMap = {
  "notify.setFocus": async (ctx, { channelId }) => {
    // Only a channel the user is a member of now; a report for any other would only hide their notifications.
    if (channelId) await checkMember(ctx.services.sql, ctx.user.id, channelId);
    await setFocus(ctx.services.kv, ctx.connectionId, channelId);
    return {};
  },
};
