// The Hono app: shared middleware, then each capability's routes under /api. Exports AppType for clients.
import path from "node:path";
import { $, OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import type { UpgradeWebSocket } from "hono/ws";
import type { WebSocket } from "ws";
import { meRoutes } from "./accounts/me-routes.js";
import { authRoutes } from "./accounts/routes.js";
import { adminRoutes } from "./admin/routes.js";
import { callRoutes } from "./calls/routes.js";
import {
  adminChannelsRoutes,
  channelRoutes,
  directMessageRoutes,
  messageSearchRoutes,
  messageThreadRoutes,
  myThreadRoutes,
} from "./channels/routes.js";
import { docsRoutes } from "./docs/routes.js";
import { AppError } from "./errors.js";
import { avatarRoutes } from "./files/avatar-routes.js";
import { fileRoutes, isUploadRequest } from "./files/routes.js";
import { healthRoutes } from "./health/routes.js";
import { clientAddress } from "./lib/client-ip.js";
import { validationHook } from "./lib/openapi.js";
import { allowedOrigins } from "./lib/origins.js";
import { repoRoot } from "./lib/repo-root.js";
import { errorHandler, notFoundHandler } from "./middleware/error-handler/index.js";
import { originCheck } from "./middleware/origin-check/index.js";
import { requestLog } from "./middleware/request-log/index.js";
import { securityHeaders } from "./middleware/security-headers/index.js";
import { type AuthEnv, SESSION_COOKIE, sessionMiddleware } from "./middleware/session/index.js";
import { staticApp } from "./middleware/static-apps/index.js";
import { FIREBASE_WEB_ORIGINS } from "./notifications/env.js";
import { notificationRoutes } from "./notifications/routes.js";
import { peopleRoutes } from "./people/routes.js";
import { socketRoutes } from "./realtime/gateway.js";
import type { Hub } from "./realtime/hub.js";
import type { Services } from "./services.js";

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
  const bodyLimiter = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError(413, "too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    },
  });

  const api = $(
    new OpenAPIHono<AuthEnv>({ defaultHook: validationHook })
      .use(async function limitBodies(c, next) {
        // Uploads stream their bodies under the files' own limits (files/upload.ts).
        return isUploadRequest(c.req.method, c.req.path) ? next() : bodyLimiter(c, next);
      })
      // Cookie-authenticated mutations must come from our own pages (CSRF defence by Origin, any content type).
      .use(originCheck(origins, SESSION_COOKIE))
      .use(sessionMiddleware(db, config.SESSION_DAYS, services.kv)),
  )
    .route("/auth", authRoutes(services))
    .route("/me", meRoutes(services))
    .route("/admin", adminRoutes(services))
    .route("/admin/channels", adminChannelsRoutes(services))
    .route("/channels", channelRoutes(services))
    .route("/dms", directMessageRoutes(services))
    .route("/people", peopleRoutes(services))
    .route("/messages", messageThreadRoutes(services))
    .route("/threads", myThreadRoutes(services))
    .route("/search", messageSearchRoutes(services))
    .route("/calls", callRoutes(services))
    .route("/files", avatarRoutes(services))
    .route("/files", fileRoutes(services))
    .route("/notifications", notificationRoutes(services))
    // Generated from the routes' zod schemas; /api/docs renders it.
    .doc("/openapi.json", {
      openapi: "3.0.0",
      info: { title: "Parley API", version: "0.1.0" },
      servers: [{ url: "/api" }],
    })
    .route("/docs", docsRoutes());

  const app = new Hono()
    .use(requestId())
    .use(clientAddress(config.TRUSTED_PROXIES))
    .use(securityHeaders(origins, config.FIREBASE_WEB_CONFIG ? FIREBASE_WEB_ORIGINS : []))
    .use(requestLog(logger))
    .route(
      "/",
      healthRoutes(services, () => sockets?.hub.draining ?? false),
    )
    .route("/api", api);
  if (sockets) app.route("/", socketRoutes(services, sockets.hub, sockets.upgradeWebSocket));
  app.use("/admin/*", staticApp("/admin/", path.join(staticDir, "admin", "dist")));
  app.use("/*", staticApp("/", path.join(staticDir, "web", "dist")));
  app.onError(errorHandler(logger));
  app.notFound(notFoundHandler);
  return app;
}

export type AppType = ReturnType<typeof createApp>;
