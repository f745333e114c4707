// The /ws handshake: Origin, session and account state are checked BEFORE upgrading; a refused upgrade
// gets a plain HTTP status (403 bad origin or banned, 401 no session). After that, connection.ts.
import { Hono } from "hono";
import type { UpgradeWebSocket } from "hono/ws";
import type { WebSocket } from "ws";
import { AppError } from "../errors.js";
import { clientIp } from "../lib/client-ip.js";
import { allowedOrigins } from "../lib/origins.js";
import { type AuthEnv, requireUser, sessionMiddleware } from "../middleware/session/index.js";
import { type SocketClaim, UPGRADE_GRACE_MS } from "../quotas/socket-counts.js";
import type { Services } from "../services.js";
import { Connection } from "./connection.js";
import type { Hub } from "./hub.js";
import { CloseCode } from "./protocol.js";

type GatewayEnv = AuthEnv & { Variables: { socketClaim?: SocketClaim } };

export function socketRoutes(services: Services, hub: Hub, upgradeWebSocket: UpgradeWebSocket<WebSocket>) {
  const origins = new Set(allowedOrigins(services.config));
  return new Hono<GatewayEnv>().get(
    "/ws",
    async function refuseWhileDraining(_c, next) {
      // 503 before upgrading: a load balancer retries it on another node (ops/nginx proxy_next_upstream).
      if (hub.draining) throw new AppError(503, "draining", "This node is restarting: connect again.");
      await next();
    },
    async function checkOrigin(c, next) {
      const origin = c.req.header("origin");
      // Browsers always send Origin; non-browser clients (tests, bots) may omit it but still need a session.
      if (origin && !origins.has(origin))
        throw new AppError(403, "bad_origin", `Origin ${origin} may not open sockets.`);
      await next();
    },
    sessionMiddleware(services.db, services.config.SESSION_DAYS, services.kv, services.sql),
    async function requireActiveSession(c, next) {
      const { user } = requireUser(c); // 401 without a session; 403 banned, also for a session the ban revoked
      // 429 too_many_sockets; the place is given back if the upgrade does not complete.
      const claim = await hub.sockets.claim(user.id, clientIp(c));
      // A plain GET (no upgrade follows) only learns whether it could connect.
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") claim.release();
      else claim.expireUnlessKept(UPGRADE_GRACE_MS);
      c.set("socketClaim", claim);
      await next();
    },
    upgradeWebSocket((c) => {
      const auth = c.get("auth");
      const claim = c.get("socketClaim");
      let connection: Connection | undefined;
      return {
        onOpen(_event, ws) {
          const raw = ws.raw;
          claim?.keep();
          if (!auth || !raw) {
            claim?.release();
            return ws.close(4001, "no session");
          }
          // Upgraded just as the drain began: it would miss the drain's list of sockets to close.
          if (hub.draining) {
            claim?.release();
            return ws.close(CloseCode.restarting, "node restarting: reconnect and resume");
          }
          connection = new Connection(raw, hub, services, auth, claim);
          takeOverListeners(raw, connection);
          connection.open().catch((err) => connection?.openFailed(err));
        },
        // Only frames node-ws buffered before onOpen arrive here; later ones reach takeOverListeners' own.
        onMessage(event) {
          if (typeof event.data === "string") connection?.onMessage(event.data);
          else connection?.onBinaryFrame();
        },
      };
    }),
  );
}

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
    if (isBinary) connection.onBinaryFrame();
    else connection.onMessage(data.toString());
  });
  raw.on("close", () => void connection.onClosed());
  // ws closes the socket itself after a protocol error (e.g. 1009 for an oversized frame); the listener
  // only keeps the error from being thrown as unhandled.
  raw.on("error", () => {});
  if (raw.readyState === raw.CLOSED) void connection.onClosed();
}
