// The Hono app: shared middleware, then each capability's routes under /api. Exports AppType for clients.
import path from "node:path";
import { swaggerUI } from "@hono/swagger-ui";
import { $, OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { UpgradeWebSocket } from "hono/ws";
import type { WebSocket } from "ws";
import { meRoutes } from "./accounts/me-routes.js";
import { authRoutes } from "./accounts/routes.js";
import { adminRoutes } from "./admin/routes.js";
import {
  adminChannelsRoutes,
  channelRoutes,
  directMessageRoutes,
  messageSearchRoutes,
  messageThreadRoutes,
} from "./channels/routes.js";
import { AppError } from "./errors.js";
import { healthRoutes } from "./health/routes.js";
import { validationHook } from "./lib/openapi.js";
import { allowedOrigins } from "./lib/origins.js";
import { errorHandler, notFoundHandler } from "./middleware/error-handler/index.js";
import { requestLog } from "./middleware/request-log/index.js";
import { type AuthEnv, sessionMiddleware } from "./middleware/session/index.js";
import { staticApp } from "./middleware/static-apps/index.js";
import { socketRoutes } from "./realtime/gateway.js";
import type { Hub } from "./realtime/hub.js";
import type { Services } from "./services.js";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const MAX_BODY_BYTES = 64 * 1024;

export interface SocketWiring {
  hub: Hub;
  upgradeWebSocket: UpgradeWebSocket<WebSocket>;
}

/** The app; with `sockets` it also serves /ws (main.ts), without it HTTP only (route tests). */
export function createApp(services: Services, sockets?: SocketWiring) {
  const { config, db, logger } = services;
  const staticDir = config.STATIC_DIR ?? repoRoot;
  const origins = allowedOrigins(config);

  const api = $(
    new OpenAPIHono<AuthEnv>({ defaultHook: validationHook })
      .use(
        bodyLimit({
          maxSize: MAX_BODY_BYTES,
          onError: () => {
            throw new AppError(413, "too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
          },
        }),
      )
      // Cookie-authenticated mutations must come from our own pages (CSRF defence by Origin).
      .use(csrf({ origin: origins }))
      .use(sessionMiddleware(db, config.SESSION_DAYS, services.kv)),
  )
    .route("/auth", authRoutes(services))
    .route("/me", meRoutes(services))
    .route("/admin", adminRoutes(services))
    .route("/admin/channels", adminChannelsRoutes(services))
    .route("/channels", channelRoutes(services))
    .route("/dms", directMessageRoutes(services))
    .route("/messages", messageThreadRoutes(services))
    .route("/search", messageSearchRoutes(services))
    // Generated from the routes' zod schemas; /api/docs renders it.
    .doc("/openapi.json", {
      openapi: "3.0.0",
      info: { title: "Parley API", version: "0.1.0" },
      servers: [{ url: "/api" }],
    })
    .get("/docs", swaggerUI({ url: "/api/openapi.json" }));

  const app = new Hono()
    .use(requestId())
    .use(secureHeaders())
    .use(requestLog(logger))
    .route("/", healthRoutes(services))
    .route("/api", api);
  if (sockets) app.route("/", socketRoutes(services, sockets.hub, sockets.upgradeWebSocket));
  app.use("/admin/*", staticApp("/admin/", path.join(staticDir, "admin", "dist")));
  app.use("/*", staticApp("/", path.join(staticDir, "web", "dist")));
  app.onError(errorHandler(logger));
  app.notFound(notFoundHandler);
  return app;
}

export type AppType = ReturnType<typeof createApp>;
