// The socket's call.* frames: rate limited per socket, validated by the protocol, authorized and
// forwarded by the CallService. A socket that closes leaves its call.
import type { Handler, HandlerMap } from "../realtime/handlers.js";
import type { PresenceHooks } from "../realtime/hub.js";
import type { ClientRequestType } from "../realtime/protocol.js";
import type { CallFrameLimits } from "./limits.js";
import type { CallService } from "./service.js";

/** A frame's own fields, without the envelope. */
const body = <T extends { id: string; type: string }>({ id: _id, type: _type, ...rest }: T) => rest;

export function callHandlers(calls: CallService, limits: CallFrameLimits): HandlerMap {
  const handlers: HandlerMap = {
    "call.start": (ctx, r) => calls.join(ctx, r.channelId, true),
    "call.join": (ctx, r) => calls.join(ctx, r.channelId, false),
    "call.leave": (ctx) => calls.leave(ctx.connectionId, "left"),
    "call.list": (ctx) => calls.list(ctx),
    "call.status": async () => calls.status(),
    "call.getRouterCapabilities": (ctx) => calls.forward(ctx, "getRouterCapabilities", {}),
    "call.setRtpCapabilities": (ctx, r) => calls.forward(ctx, "setRtpCapabilities", body(r)),
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
  };
  // Each counted against its socket's allowance before anything else happens.
  for (const [type, handler] of Object.entries(handlers) as [ClientRequestType, Handler<ClientRequestType>][]) {
    (handlers as Record<string, Handler<ClientRequestType>>)[type] = (ctx, request, turn) => {
      limits.hit(ctx.connectionId, type);
      return handler(ctx, request, turn);
    };
  }
  return handlers;
}

/** The hub has one set of connection hooks (presence's); a closing socket also leaves its call. */
export function withCallCleanup(presence: PresenceHooks, calls: CallService, limits: CallFrameLimits): PresenceHooks {
  return {
    connected: (connection) => presence.connected(connection),
    heartbeat: (connection) => presence.heartbeat(connection),
    disconnected: async (connection) => {
      limits.forget(connection.id);
      await calls.connectionClosed(connection.id);
      await presence.disconnected(connection);
    },
  };
}
