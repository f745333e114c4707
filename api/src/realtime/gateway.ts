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
          if (!auth) return ws.close(4001, "no session");
          connection = new Connection(ws, hub, services, auth);
          connection.open().catch((err) => {
            services.logger.error({ err }, "socket open failed");
            ws.close(1011, "open failed");
          });
        },
        onMessage(event) {
          if (typeof event.data === "string") connection?.onMessage(event.data);
          else
            connection?.send({
              type: "error",
              error: { code: "binary_frame", message: "Frames must be text (JSON)." },
            });
        },
        onClose() {
          void connection?.onClosed();
        },
      };
    }),
  );
}
