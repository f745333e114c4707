// /api/admin/channels: every public and private channel, for workspace admins and owners (the guard is in
// routes.ts). The actions are the same as everyone's; they let workspace admins do all of this.
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { doDeleteChannelMessage } from "./actions.js";
import { channelEditRoutes } from "./edit-routes.js";
import { doInvite, doKick } from "./membership.js";
import { listDirectory } from "./queries.js";
import {
  boolQuery,
  ChannelIdParam,
  CursorQuery,
  DirectoryEntrySchema,
  intQuery,
  MemberParam,
  tags,
  UserIdsBody,
} from "./schemas.js";

const errors = errorResponses(400, 401, 403, 404, 409);

const list = createRoute({
  method: "get",
  path: "/",
  tags: tags.admin,
  summary: "Public and private channels by name, with member counts (DMs are not listed)",
  request: {
    query: z.object({
      q: z.string().trim().max(80).optional().openapi({ description: "Name prefix, any case" }),
      kind: z.enum(["public", "private"]).optional(),
      includeArchived: boolQuery.optional().openapi({ description: "Default true" }),
      limit: intQuery(1, 100).optional(),
      cursor: CursorQuery.optional(),
    }),
  },
  responses: {
    200: json(z.object({ channels: z.array(DirectoryEntrySchema), nextCursor: z.string().nullable() }), "One page"),
    ...errorResponses(400, 401, 403),
  },
});

const addMembers = createRoute({
  method: "post",
  path: "/{id}/members",
  tags: tags.admin,
  summary: "Add people",
  request: { ...ChannelIdParam, ...jsonBody(UserIdsBody) },
  responses: { 200: json(z.object({ added: z.array(z.uuid()) }), "Those who were not members yet"), ...errors },
});

const removeMember = createRoute({
  method: "delete",
  path: "/{id}/members/{userId}",
  tags: tags.admin,
  summary: "Remove someone",
  request: MemberParam,
  responses: { 204: { description: "Removed" }, ...errors },
});

const deleteMessage = createRoute({
  method: "delete",
  path: "/{id}/messages/{messageId}",
  tags: tags.admin,
  summary: "Delete any message of the channel (accepted into the log; members see it go at once)",
  request: { params: z.object({ id: z.uuid(), messageId: z.uuid() }) },
  responses: {
    202: json(z.object({ messageId: z.uuid(), status: z.literal("accepted") }), "Accepted"),
    ...errors,
  },
});

export function adminChannelRoutes(services: Services) {
  const { db } = services;
  return openApiRouter()
    .openapi(list, async (c) => {
      const { kind, includeArchived, limit, ...query } = c.req.valid("query");
      const page = await listDirectory(db, {
        ...query,
        viewerId: requireUser(c).user.id,
        kinds: kind ? [kind] : ["public", "private"],
        includeArchived: includeArchived ?? true,
        limit: limit ?? 50,
      });
      return c.json(page, 200);
    })
    .openapi(addMembers, async (c) => {
      const added = await doInvite(services, requireUser(c).user, c.req.valid("param").id, c.req.valid("json").userIds);
      return c.json({ added }, 200);
    })
    .openapi(removeMember, async (c) => {
      const { id, userId } = c.req.valid("param");
      await doKick(services, requireUser(c).user, id, userId);
      return c.body(null, 204);
    })
    .openapi(deleteMessage, async (c) => {
      const { id, messageId } = c.req.valid("param");
      const result = await doDeleteChannelMessage(services, requireUser(c).user, id, messageId);
      return c.json(result, 202);
    })
    .route("/", channelEditRoutes(services, "admin"));
}
