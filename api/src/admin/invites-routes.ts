// /api/admin/invites: create, list, revoke. Validate → action → respond.
import { createRoute, z } from "@hono/zod-openapi";
import { RoleSchema } from "../accounts/schemas.js";
import type { Invite } from "../generated/prisma/client.js";
import { CursorQuery } from "../lib/cursor.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import type { Services } from "../services.js";
import { actorOf } from "./guard.js";
import { doCreateInvite, doRevokeInvite } from "./invites-actions.js";
import { inviteStatus, listInvites } from "./invites-queries.js";
import { IdParam, ReasonBody, tags } from "./schemas.js";

const InviteSchema = z
  .object({
    id: z.uuid(),
    role: RoleSchema,
    maxUses: z.number().int(),
    uses: z.number().int(),
    status: z.enum(["active", "expired", "used_up", "revoked"]),
    expiresAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
    createdById: z.uuid(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Invite");

const inviteView = (invite: Invite) => ({
  id: invite.id,
  role: invite.role,
  maxUses: invite.maxUses,
  uses: invite.uses,
  status: inviteStatus(invite),
  expiresAt: invite.expiresAt.toISOString(),
  revokedAt: invite.revokedAt?.toISOString() ?? null,
  createdById: invite.createdById,
  createdAt: invite.createdAt.toISOString(),
});

const create = createRoute({
  method: "post",
  path: "/",
  tags: tags.invites,
  summary: "Create an invite link",
  request: jsonBody(
    z.strictObject({
      role: RoleSchema.default("member"),
      maxUses: z.number().int().min(1).max(1000).default(1),
      expiresInHours: z.number().int().min(1).max(720).default(168),
    }),
  ),
  responses: {
    201: json(z.object({ invite: InviteSchema, link: z.url() }), "The invite and its link, shown once"),
    ...errorResponses(400, 401, 403),
  },
});

const list = createRoute({
  method: "get",
  path: "/",
  tags: tags.invites,
  summary: "List invites, newest first",
  request: {
    query: z.object({
      status: z.enum(["active", "all"]).default("all"),
      limit: z.coerce.number().int().min(1).max(100).default(50),
      cursor: CursorQuery.optional(),
    }),
  },
  responses: {
    200: json(z.object({ invites: z.array(InviteSchema), nextCursor: z.string().nullable() }), "One page"),
    ...errorResponses(400, 401, 403),
  },
});

const revoke = createRoute({
  method: "post",
  path: "/{id}/revoke",
  tags: tags.invites,
  summary: "Revoke an invite: its link stops working",
  request: { params: IdParam, ...jsonBody(ReasonBody, false) },
  responses: { 200: json(z.object({ invite: InviteSchema }), "Revoked"), ...errorResponses(400, 401, 403, 404) },
});

export function inviteRoutes(services: Services) {
  return openApiRouter()
    .openapi(create, async (c) => {
      const { invite, link } = await doCreateInvite(services, actorOf(c), c.req.valid("json"));
      return c.json({ invite: inviteView(invite), link }, 201);
    })
    .openapi(list, async (c) => {
      const { status, ...query } = c.req.valid("query");
      const page = await listInvites(services.db, { ...query, activeOnly: status === "active" });
      return c.json({ invites: page.invites.map(inviteView), nextCursor: page.nextCursor }, 200);
    })
    .openapi(revoke, async (c) => {
      const invite = await doRevokeInvite(services, actorOf(c), c.req.valid("param").id, c.req.valid("json").reason);
      return c.json({ invite: inviteView(invite) }, 200);
    });
}
