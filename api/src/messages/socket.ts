// Socket handlers for messaging frames: validate (done by the protocol) → action → reply.
import type { HandlerMap } from "../realtime/handlers.js";
import { deleteMessage, editMessage, sendMessage, toggleReaction } from "./actions.js";

export const messageHandlers: HandlerMap = {
  sendMessage: (ctx, r) => sendMessage(ctx.services, ctx.user, r),
  editMessage: (ctx, r) => editMessage(ctx.services, ctx.user, r.messageId, r.body),
  deleteMessage: (ctx, r) => deleteMessage(ctx.services, ctx.user, r.messageId),
  toggleReaction: (ctx, r) => toggleReaction(ctx.services, ctx.user, r.messageId, r.emoji),
};
