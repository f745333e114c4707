// The Hono app: shared middleware, then each capability's routes. Exports AppType for the clients.
import path from "node:path";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { healthRoutes } from "./health/routes.js";
import { errorHandler, notFoundHandler } from "./middleware/error-handler/index.js";
import { requestLog } from "./middleware/request-log/index.js";
import { staticApp } from "./middleware/static-apps/index.js";
import type { Services } from "./services.js";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");

export function createApp(services: Services) {
  const staticDir = services.config.STATIC_DIR ?? repoRoot;
  const api = new Hono().route("/", healthRoutes(services));

  const app = new Hono().use(requestId()).use(secureHeaders()).use(requestLog(services.logger)).route("/", api);
  app.use("/admin/*", staticApp("/admin/", path.join(staticDir, "admin", "dist")));
  app.use("/*", staticApp("/", path.join(staticDir, "web", "dist")));
  app.onError(errorHandler(services.logger));
  app.notFound(notFoundHandler);
  return app;
}

export type AppType = ReturnType<typeof createApp>;
