// Wires the socket layer into one HTTP server: the hub with every capability's handlers, /ws on the app,
// a frame-size ceiling on the raw sockets, and shutdown that tells clients to resume elsewhere.
import type { Server } from "node:http";
import { createNodeWebSocket } from "@hono/node-ws";
import { Hono } from "hono";
import { createApp } from "../app.js";
import { CallService } from "../calls/service.js";
import { callHandlers, withCallCleanup } from "../calls/socket.js";
import { metricsRoutes } from "../health/metrics.js";
import { messageHandlers } from "../messages/socket.js";
import { errorHandler, notFoundHandler } from "../middleware/error-handler/index.js";
import { presenceHandlers } from "../presence/socket.js";
import { PresenceTracker } from "../presence/tracker.js";
import type { Services } from "../services.js";
import { Hub } from "./hub.js";
import { CloseCode, MAX_FRAME_BYTES } from "./protocol.js";
import { realtimeHandlers } from "./socket.js";

export function createRealtimeApp(services: Services) {
  const root = new Hono();
  const ws = createNodeWebSocket({ app: root });
  // Frames a little over the protocol limit still get a typed error reply (frames.ts); far larger ones
  // are cut off by ws itself (close 1009) before they are buffered.
  (ws.wss.options as { maxPayload?: number }).maxPayload = MAX_FRAME_BYTES * 4;
  const presence = new PresenceTracker(services);
  const calls = new CallService(services);
  const hub = new Hub(
    services.bus,
    {
      ...realtimeHandlers,
      ...messageHandlers((channelId) => presence.onlineMembers(channelId)),
      ...presenceHandlers(presence),
      ...callHandlers(calls),
    },
    services,
  );
  hub.presence = withCallCleanup(presence, calls);
  presence.start();
  root.onError(errorHandler(services.logger));
  root.notFound(notFoundHandler);
  root.route("/", metricsRoutes(services.config.METRICS_TOKEN));
  root.route("/", createApp(services, { hub, upgradeWebSocket: ws.upgradeWebSocket }));
  return {
    app: root,
    hub,
    attach(server: Server) {
      ws.injectWebSocket(server);
    },
    presence,
    closeSockets() {
      void calls.close();
      // This node's users leave in one batch while Redis and the database are still open; then the sockets close.
      void presence
        .shutdown()
        .then(() => hub.closeAll(CloseCode.restarting, "server restarting: reconnect and resume"));
    },
  };
}
