// The channel capability's HTTP routers, as app.ts mounts them. Each needs a signed-in, active user; the
// check runs before validation, so a stranger learns nothing from a bad request.
import { $ } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { adminOnly } from "../admin/guard.js";
import { openApiRouter } from "../lib/openapi.js";
import { type AuthEnv, requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { adminChannelRoutes } from "./admin-routes.js";
import { coreRoutes } from "./core-routes.js";
import { dmRoutes } from "./dm-routes.js";
import { historyRoutes, threadRoutes } from "./history-routes.js";
import { memberRoutes } from "./member-routes.js";
import { myThreadsRoutes } from "./my-threads-routes.js";
import { pinRoutes } from "./pin-routes.js";
import { searchRoutes } from "./search-routes.js";

const signedIn: MiddlewareHandler<AuthEnv> = async function signedIn(c, next) {
  requireUser(c);
  await next();
};

/** /api/channels */
export const channelRoutes = (services: Services) =>
  $(openApiRouter().use(signedIn))
    .route("/", coreRoutes(services))
    .route("/", memberRoutes(services))
    .route("/", pinRoutes(services))
    .route("/", historyRoutes(services));

/** /api/dms */
export const directMessageRoutes = (services: Services) =>
  $(openApiRouter().use(signedIn)).route("/", dmRoutes(services));

/** /api/search */
export const messageSearchRoutes = (services: Services) =>
  $(openApiRouter().use(signedIn)).route("/", searchRoutes(services));

/** /api/messages; scoped to its one path, as other capabilities route under /api/messages too. */
export const messageThreadRoutes = (services: Services) =>
  $(openApiRouter().use("/:id/thread", signedIn)).route("/", threadRoutes(services));

/** /api/threads */
export const myThreadRoutes = (services: Services) =>
  $(openApiRouter().use(signedIn)).route("/", myThreadsRoutes(services));

/** /api/admin/channels: workspace admins and owners. */
export const adminChannelsRoutes = (services: Services) =>
  $(openApiRouter().use(adminOnly)).route("/", adminChannelRoutes(services));
