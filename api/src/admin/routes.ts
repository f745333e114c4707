// /api/admin/*: admins and owners only (adminOnly runs before any validation, so a member learns nothing
// from a bad request). Every route is described for /api/openapi.json.
import { $ } from "@hono/zod-openapi";
import { adminFileRoutes } from "../files/admin-routes.js";
import { openApiRouter } from "../lib/openapi.js";
import { adminPushRoutes } from "../notifications/admin-routes.js";
import type { Services } from "../services.js";
import { settingsRoutes } from "../workspace/routes.js";
import { auditRoutes } from "./audit-routes.js";
import { adminOnly } from "./guard.js";
import { inviteRoutes } from "./invites-routes.js";
import { moderationRoutes } from "./moderation-routes.js";
import { statsRoutes } from "./stats-routes.js";
import { userPageRoutes } from "./user-page-routes.js";
import { userRoutes } from "./users-routes.js";

export function adminRoutes(services: Services) {
  return $(openApiRouter().use(adminOnly))
    .route("/users", userRoutes(services))
    .route("/users", moderationRoutes(services))
    .route("/users", userPageRoutes(services))
    .route("/invites", inviteRoutes(services))
    .route("/audit", auditRoutes(services))
    .route("/stats", statsRoutes(services))
    .route("/push", adminPushRoutes(services))
    .route("/files", adminFileRoutes(services))
    .route("/settings", settingsRoutes(services));
}
