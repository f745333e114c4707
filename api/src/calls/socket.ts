// The socket's call.* frames: validated by the protocol, authorized and forwarded by the CallService.

import type { HandlerMap } from "../realtime/handlers.js";
import type { PresenceHooks } from "../realtime/hub.js";
import type { CallService } from "./service.js";

/** A frame's own fields, without the envelope. */
const body = <T extends { id: string; type: string }>({ id: _id, type: _type, ...rest }: T) => rest;

export const callHandlers = (calls: CallService): HandlerMap => ({
  "call.start": (ctx, r) => calls.join(ctx, r.channelId, true),
  "call.join": (ctx, r) => calls.join(ctx, r.channelId, false),
  "call.leave": (ctx) => calls.leave(ctx.connectionId),
  "call.getRouterCapabilities": (ctx) => calls.forward(ctx, "getRouterCapabilities", {}),
  "call.createTransport": (ctx, r) => calls.forward(ctx, "createTransport", body(r)),
  "call.connectTransport": (ctx, r) => calls.forward(ctx, "connectTransport", body(r)),
  "call.produce": (ctx, r) => calls.forward(ctx, "produce", body(r)),
  "call.closeProducer": (ctx, r) => calls.forward(ctx, "closeProducer", body(r)),
  "call.consume": (ctx, r) => calls.forward(ctx, "consume", body(r)),
  "call.resumeConsumer": (ctx, r) => calls.forward(ctx, "resumeConsumer", body(r)),
  "call.pauseConsumer": (ctx, r) => calls.forward(ctx, "pauseConsumer", body(r)),
  "call.setPreferredLayers": (ctx, r) => calls.forward(ctx, "setPreferredLayers", body(r)),
  "call.setMuted": (ctx, r) => calls.forward(ctx, "setMuted", body(r)),
  "call.stopScreenShare": (ctx) => calls.forward(ctx, "stopScreenShare", {}),
  "call.raiseHand": (ctx, r) => calls.forward(ctx, "raiseHand", body(r)),
  "call.getStats": (ctx) => calls.forward(ctx, "getStats", {}),
  "call.getParticipants": (ctx, r) => calls.participants(ctx, r.channelId),
  "call.end": (ctx, r) => calls.end(ctx, r.channelId),
  "call.removeParticipant": (ctx, r) => calls.removeParticipant(ctx, r.channelId, r.userId),
});

/** The hub has one set of connection hooks (presence's); a closing socket also leaves its call. */
export function withCallCleanup(presence: PresenceHooks, calls: CallService): PresenceHooks {
  return {
    connected: (connection) => presence.connected(connection),
    heartbeat: (connection) => presence.heartbeat(connection),
    disconnected: async (connection) => {
      await calls.connectionClosed(connection.id);
      await presence.disconnected(connection);
    },
  };
}
