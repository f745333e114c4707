// /api/admin/users/{id}/…: role, deactivate, reactivate, ban, unban, sign out, reset link.
// Validate → action → respond.
import { createRoute, z } from "@hono/zod-openapi";
import { ReasonSchema, RoleSchema, UserEnvelope, userView } from "../accounts/schemas.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import type { Services } from "../services.js";
import { actorOf } from "./guard.js";
import { doBan, doChangeRole, doDeactivate, doReactivate, doSignOut, doUnban } from "./moderation-actions.js";
import { LinkSchema, ReasonBody, tags, UserIdParam } from "./schemas.js";
import { doCreateResetLink } from "./users-actions.js";

const changed = json(UserEnvelope, "The user as it now is");
const errors = errorResponses(400, 401, 403, 404, 409);

/** A POST /{id}/<name> whose body is optional ({ reason? }). */
const action = (name: string, summary: string) =>
  createRoute({
    method: "post",
    path: `/{id}/${name}`,
    tags: tags.users,
    summary,
    request: { ...UserIdParam, ...jsonBody(ReasonBody, false) },
    responses: { 200: changed, ...errors },
  });

const role = createRoute({
  method: "put",
  path: "/{id}/role",
  tags: tags.users,
  summary: "Change the role (admins cannot make or change owners; the last owner stays)",
  request: { ...UserIdParam, ...jsonBody(z.strictObject({ role: RoleSchema, reason: ReasonSchema.optional() })) },
  responses: { 200: changed, ...errors },
});

const ban = createRoute({
  method: "post",
  path: "/{id}/ban",
  tags: tags.users,
  summary: "Ban, with a reason shown to the user and an optional end; signs them out everywhere at once",
  request: {
    ...UserIdParam,
    ...jsonBody(
      z.strictObject({
        reason: ReasonSchema,
        until: z.iso
          .datetime({ offset: true })
          .transform((iso) => new Date(iso))
          .refine((date) => date.getTime() > Date.now(), "must be in the future")
          .optional(),
      }),
    ),
  },
  responses: { 200: changed, ...errors },
});

const deactivate = action("deactivate", "Deactivate; signs them out everywhere at once");
const reactivate = action("reactivate", "Reactivate a deactivated user");
const unban = action("unban", "Lift a ban");

const signOut = createRoute({
  method: "post",
  path: "/{id}/sign-out",
  tags: tags.users,
  summary: "Sign the user out of every session and socket now",
  request: { ...UserIdParam, ...jsonBody(ReasonBody, false) },
  responses: { 200: json(z.object({ revoked: z.number().int() }), "How many sessions ended"), ...errors },
});

const resetLink = createRoute({
  method: "post",
  path: "/{id}/reset-link",
  tags: tags.users,
  summary: "A new one-time set-password link (earlier ones stop working)",
  request: { ...UserIdParam, ...jsonBody(ReasonBody, false) },
  responses: { 201: json(LinkSchema, "The link, shown once"), ...errors },
});

export function moderationRoutes(services: Services) {
  return openApiRouter()
    .openapi(role, async (c) => {
      const { role: next, reason } = c.req.valid("json");
      const user = await doChangeRole(services, actorOf(c), c.req.valid("param").id, next, reason);
      return c.json({ user: userView(user) }, 200);
    })
    .openapi(deactivate, async (c) => {
      const user = await doDeactivate(services, actorOf(c), c.req.valid("param").id, c.req.valid("json").reason);
      return c.json({ user: userView(user) }, 200);
    })
    .openapi(reactivate, async (c) => {
      const user = await doReactivate(services, actorOf(c), c.req.valid("param").id, c.req.valid("json").reason);
      return c.json({ user: userView(user) }, 200);
    })
    .openapi(ban, async (c) => {
      const user = await doBan(services, actorOf(c), c.req.valid("param").id, c.req.valid("json"));
      return c.json({ user: userView(user) }, 200);
    })
    .openapi(unban, async (c) => {
      const user = await doUnban(services, actorOf(c), c.req.valid("param").id, c.req.valid("json").reason);
      return c.json({ user: userView(user) }, 200);
    })
    .openapi(signOut, async (c) => {
      const revoked = await doSignOut(services, actorOf(c), c.req.valid("param").id, c.req.valid("json").reason);
      return c.json({ revoked }, 200);
    })
    .openapi(resetLink, async (c) => {
      const link = await doCreateResetLink(services, actorOf(c), c.req.valid("param").id, c.req.valid("json").reason);
      return c.json(link, 201);
    });
}
