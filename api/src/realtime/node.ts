// Wires the socket layer into one HTTP server: the hub with every capability's handlers, /ws on the app,
// a frame-size ceiling on the raw sockets, and shutdown that tells clients to resume elsewhere.
import type { Server } from "node:http";
import { createNodeWebSocket } from "@hono/node-ws";
import { Hono } from "hono";
import { createApp } from "../app.js";
import { CallFrameLimits } from "../calls/limits.js";
import { CallService } from "../calls/service.js";
import { callHandlers, withCallCleanup } from "../calls/socket.js";
import { metricsRoutes } from "../health/metrics.js";
import { messageHandlers } from "../messages/socket.js";
import { errorHandler, notFoundHandler } from "../middleware/error-handler/index.js";
import { notificationHandlers } from "../notifications/socket.js";
import { OpsFeed } from "../ops/feed.js";
import { HeartbeatPublisher } from "../ops/heartbeat.js";
import { opsHandlers } from "../ops/socket.js";
import { presenceHandlers } from "../presence/socket.js";
import { PresenceTracker } from "../presence/tracker.js";
import type { Services } from "../services.js";
import { drainSockets } from "./drain.js";
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
  const calls = new CallService(services, {
    broadcast: (frame) => {
      for (const connection of hub.connections) connection.send(frame);
    },
  });
  const callLimits = new CallFrameLimits();
  const ops = new OpsFeed(services, () => calls.sfuStatus());
  const hub = new Hub(
    services.bus,
    {
      ...realtimeHandlers,
      ...messageHandlers((channelId) => presence.onlineMembers(channelId)),
      ...presenceHandlers(presence),
      ...callHandlers(calls, callLimits),
      ...notificationHandlers,
      ...opsHandlers(ops),
    },
    services,
  );
  hub.presence = withCallCleanup(presence, calls, callLimits);
  // Removed from a channel, banned, deactivated, signed out: out of its call there at once.
  hub.onAccessChanged((connection, change) => calls.accessChanged(connection.id, change));
  const heartbeat = new HeartbeatPublisher(services, () => hub.connections.size);
  presence.start();
  calls.start();
  void hub.sockets.start();
  heartbeat.start();
  ops.start();
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
    /**
     * SIGTERM: refuse new sockets, close the open ones with 1012 spread over `spreadMs` (each after its
     * pending frames are answered), then end what is left of presence and calls while Redis and the
     * database are still open. Each socket's users leave presence as it closes (and are back as soon as
     * they reconnect elsewhere), not all at once.
     */
    async drain(spreadMs: number) {
      const result = await drainSockets(hub, {
        spreadMs,
        // A pending send waits for Kafka at most KAFKA_SEND_TIMEOUT_MS; the rest is margin for a loaded machine.
        deadlineMs: spreadMs + services.config.KAFKA_SEND_TIMEOUT_MS + 5000,
        code: CloseCode.restarting,
        reason: "node restarting: reconnect and resume",
      });
      ops.stop();
      await Promise.all([presence.shutdown(), calls.close(), heartbeat.stop()]);
      return result;
    },
  };
}
