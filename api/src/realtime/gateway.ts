// The /ws handshake: Origin, session and account state are checked BEFORE upgrading; a refused upgrade
// gets a plain HTTP status (403 bad origin or banned, 401 no session). After that, connection.ts.
import { Hono } from "hono";
import type { UpgradeWebSocket } from "hono/ws";
import type { WebSocket } from "ws";
import { AppError } from "../errors.js";
import { allowedOrigins } from "../lib/origins.js";
import { type AuthEnv, requireUser, sessionMiddleware } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { Connection } from "./connection.js";
import type { Hub } from "./hub.js";

export function socketRoutes(services: Services, hub: Hub, upgradeWebSocket: UpgradeWebSocket<WebSocket>) {
  const origins = new Set(allowedOrigins(services.config));
  return new Hono<AuthEnv>().get(
    "/ws",
    async function checkOrigin(c, next) {
      const origin = c.req.header("origin");
      // Browsers always send Origin; non-browser clients (tests, bots) may omit it but still need a session.
      if (origin && !origins.has(origin))
        throw new AppError(403, "bad_origin", `Origin ${origin} may not open sockets.`);
      await next();
    },
    sessionMiddleware(services.db, services.config.SESSION_DAYS, services.kv),
    async function requireActiveSession(c, next) {
      requireUser(c); // 401 without a session; 403 banned, also for a session the ban revoked
      await next();
    },
    upgradeWebSocket((c) => {
      const auth = c.get("auth");
      let connection: Connection | undefined;
      return {
        onOpen(_event, ws) {
          const raw = ws.raw;
          if (!auth || !raw) return ws.close(4001, "no session");
          connection = new Connection(raw, hub, services, auth);
          takeOverListeners(raw, connection);
          connection.open().catch((err) => {
            services.logger.error({ err }, "socket open failed");
            raw.close(1011, "open failed");
          });
        },
        // Only frames node-ws buffered before onOpen arrive here; later ones reach takeOverListeners' own.
        onMessage(event) {
          if (typeof event.data === "string") connection?.onMessage(event.data);
          else connection?.send(BINARY_FRAME_ERROR);
        },
      };
    }),
  );
}

const BINARY_FRAME_ERROR = {
  type: "error",
  error: { code: "binary_frame", message: "Frames must be text (JSON)." },
} as const;

const NODE_WS_EVENTS = ["message", "close", "error"] as const;

/**
 * @hono/node-ws (1.3.1) wires its message/close/error listeners in a closure that also holds the upgrade's
 * Hono Context (request, headers, response, ~9 KB), so every socket kept it for its lifetime (BENCHMARKS.md
 * finding 2). node-ws adds those listeners synchronously right after onOpen returns; a microtask queued in
 * onOpen runs after that and before any socket I/O, and swaps them for listeners that hold only the
 * Connection. ws's own listeners (its client tracking) were there before onOpen and stay.
 */
function takeOverListeners(raw: WebSocket, connection: Connection) {
  const before = new Set(NODE_WS_EVENTS.flatMap((event) => raw.listeners(event)));
  queueMicrotask(() => {
    for (const event of NODE_WS_EVENTS) {
      for (const listener of raw.listeners(event)) {
        if (!before.has(listener)) raw.off(event, listener as (...args: unknown[]) => void);
      }
    }
    before.clear(); // it holds node-ws's first (buffering) listener, and through it the Context
    listen(raw, connection);
  });
}

/** The socket's listeners for its lifetime (a function of their own, so their closures hold nothing else). */
function listen(raw: WebSocket, connection: Connection) {
  raw.on("message", (data, isBinary) => {
    if (isBinary) connection.send(BINARY_FRAME_ERROR);
    else connection.onMessage(data.toString());
  });
  raw.on("close", () => void connection.onClosed());
  // ws closes the socket itself after a protocol error (e.g. 1009 for an oversized frame); the listener
  // only keeps the error from being thrown as unhandled.
  raw.on("error", () => {});
  if (raw.readyState === raw.CLOSED) void connection.onClosed();
}
