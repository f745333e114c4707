// Socket handlers of the admin's live operations frames. Each is refused to anyone but owners and admins as
// they are at this frame (the socket re-reads the user for every frame).
import { isAdmin } from "../admin/guard.js";
import { forbidden } from "../errors.js";
import type { HandlerMap, SocketContext } from "../realtime/handlers.js";
import type { OpsFeed } from "./feed.js";
import { doReplayDeadLetters } from "./replay.js";

function checkAdmin(ctx: SocketContext) {
  if (!isAdmin(ctx.user.role)) throw forbidden("Only admins and owners may watch live operations.");
}

export const opsHandlers = (feed: OpsFeed): HandlerMap => ({
  "admin.subscribeOps": async (ctx) => {
    checkAdmin(ctx);
    return { ...feed.settings, ...(await feed.subscribe(ctx)) };
  },
  "admin.unsubscribeOps": async (ctx) => {
    checkAdmin(ctx);
    return { unsubscribed: feed.unsubscribe(ctx.connectionId) };
  },
  "admin.replayDeadLetters": async (ctx) => {
    checkAdmin(ctx);
    return { replayed: await doReplayDeadLetters(ctx.services, ctx.user) };
  },
});
