// Request and response shapes shared by the admin routes.
import { z } from "@hono/zod-openapi";
import { ReasonSchema } from "../accounts/schemas.js";

export const IdParam = z.object({ id: z.uuid() });
export const UserIdParam = { params: IdParam };

/** Optional body of the one-click actions: why, for the audit log. */
export const ReasonBody = z.strictObject({ reason: ReasonSchema.optional() });

export const LinkSchema = z
  .object({ link: z.url(), expiresAt: z.iso.datetime() })
  .openapi("OneTimeLink", { description: "Shown once: only its hash is stored" });

export const tags = {
  users: ["admin: users"],
  invites: ["admin: invites"],
  audit: ["admin: audit"],
  stats: ["admin: stats"],
};
