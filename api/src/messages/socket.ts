// Socket handlers for messaging frames: validate (done by the protocol) → action → reply.
import { doMarkRead } from "../channels/actions.js";
import { countAcceptedMessage } from "../ops/node-stats.js";
import type { HandlerMap } from "../realtime/handlers.js";
import { deleteMessage, editMessage, type HereResolver, sendMessage, toggleReaction } from "./actions.js";

/** `here` resolves @here to the channel's online members (presence). */
export const messageHandlers = (here: HereResolver): HandlerMap => ({
  // Pipelined: the socket's next frame starts once this send is queued for the log (realtime/connection.ts).
  sendMessage: async (ctx, r, turn) => {
    const result = await sendMessage(ctx.services, ctx.user, r, here, turn.appending);
    if (result.status === "accepted") countAcceptedMessage();
    return result;
  },
  editMessage: (ctx, r) => editMessage(ctx.services, ctx.user, r.messageId, r.body),
  deleteMessage: (ctx, r) => deleteMessage(ctx.services, ctx.user, r.messageId),
  toggleReaction: (ctx, r) => toggleReaction(ctx.services, ctx.user, r.messageId, r.emoji),
  markRead: async (ctx, { channelId, seq }) => ({
    channelId,
    seq: await doMarkRead(ctx.services, ctx.user.id, channelId, seq),
  }),
});
