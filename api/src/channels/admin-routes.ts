// /api/admin/channels: every public and private channel, for workspace admins and owners (the guard is in
// routes.ts). The actions are the same as everyone's; they let workspace admins do all of this.
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { doDeleteChannelMessage, doEditChannel, doSetArchived } from "./actions.js";
import { doInvite, doKick } from "./membership.js";
import { getChangedChannel, listDirectory } from "./queries.js";
import {
  boolQuery,
  ChannelEnvelope,
  ChannelIdParam,
  ChannelNameSchema,
  CursorQuery,
  DirectoryEntrySchema,
  intQuery,
  MemberParam,
  PurposeSchema,
  TopicSchema,
  tags,
  UserIdsBody,
} from "./schemas.js";

const errors = errorResponses(400, 401, 403, 404, 409);
const the = json(ChannelEnvelope, "The channel as it now is");

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

const edit = createRoute({
  method: "patch",
  path: "/{id}",
  tags: tags.admin,
  summary: "Rename, or change topic or purpose",
  request: {
    ...ChannelIdParam,
    ...jsonBody(
      z
        .strictObject({
          name: ChannelNameSchema.optional(),
          topic: TopicSchema.optional(),
          purpose: PurposeSchema.optional(),
        })
        .refine((b) => Object.keys(b).length > 0, "name, topic or purpose"),
    ),
  },
  responses: { 200: the, ...errors },
});

const archive = (archived: boolean) =>
  createRoute({
    method: "post",
    path: `/{id}/${archived ? "archive" : "unarchive"}`,
    tags: tags.admin,
    summary: archived ? "Archive (idempotent)" : "Unarchive (idempotent)",
    request: ChannelIdParam,
    responses: { 200: the, ...errors },
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
    .openapi(edit, async (c) => {
      const { user } = requireUser(c);
      const { id } = c.req.valid("param");
      await doEditChannel(services, user, id, c.req.valid("json"));
      return c.json({ channel: await getChangedChannel(db, user, id) }, 200);
    })
    .openapi(archive(true), async (c) => {
      const { user } = requireUser(c);
      const { id } = c.req.valid("param");
      await doSetArchived(services, user, id, true);
      return c.json({ channel: await getChangedChannel(db, user, id) }, 200);
    })
    .openapi(archive(false), async (c) => {
      const { user } = requireUser(c);
      const { id } = c.req.valid("param");
      await doSetArchived(services, user, id, false);
      return c.json({ channel: await getChangedChannel(db, user, id) }, 200);
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
    });
}
