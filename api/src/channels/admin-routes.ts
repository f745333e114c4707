// /api/admin/channels: every public and private channel, for workspace admins and owners (the guard is in
// routes.ts). The actions are the same as everyone's; they let workspace admins do all of this.
import { createRoute, z } from "@hono/zod-openapi";
import { actorOf } from "../admin/guard.js";
import { ModeratedMessageSchema, recentMessages } from "../admin/messages-queries.js";
import { ReasonBody } from "../admin/schemas.js";
import { notFound } from "../errors.js";
import { CursorQuery } from "../lib/cursor.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { checkIsMember, checkNotConversation, loadChannel } from "./access.js";
import { actingUser } from "./acting-user.js";
import { doDeleteChannelMessage } from "./actions.js";
import { doSetDefault } from "./defaults.js";
import { channelEditRoutes } from "./edit-routes.js";
import { addMembersRoute, membersRoute } from "./member-routes.js";
import { doInvite, doKick } from "./membership.js";
import { listDirectory, pageOfMembers } from "./queries.js";
import {
  boolQuery,
  ChannelIdParam,
  DirectoryEntrySchema,
  intQuery,
  MemberParam,
  NamePrefixQuery,
  tags,
} from "./schemas.js";

const errors = errorResponses(400, 401, 403, 404, 409);

const list = createRoute({
  method: "get",
  path: "/",
  tags: tags.admin,
  summary: "Public and private channels by name, with member counts (DMs are not listed)",
  request: {
    query: z.object({
      q: NamePrefixQuery.optional(),
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

const addMembers = addMembersRoute(tags.admin, "Add people");

const removeMember = createRoute({
  method: "delete",
  path: "/{id}/members/{userId}",
  tags: tags.admin,
  summary: "Remove someone",
  request: MemberParam,
  responses: { 204: { description: "Removed" }, ...errors },
});

const members = membersRoute(tags.admin, "A page of the channel's members, by name (private channels too)");

const setDefault = createRoute({
  method: "put",
  path: "/{id}/default",
  tags: tags.admin,
  summary: "Whether new accounts join this public channel when they first get in (#general out of the box)",
  request: { ...ChannelIdParam, ...jsonBody(z.strictObject({ isDefault: z.boolean() })) },
  responses: { 204: { description: "Set" }, ...errors },
});

const messages = createRoute({
  method: "get",
  path: "/{id}/messages",
  tags: tags.admin,
  summary: "The channel's recent messages, newest first, for moderation (public channels, private ones you are in)",
  request: {
    ...ChannelIdParam,
    query: z.object({ limit: intQuery(1, 100).optional(), cursor: CursorQuery.optional() }),
  },
  responses: {
    200: json(z.object({ messages: z.array(ModeratedMessageSchema), nextCursor: z.string().nullable() }), "One page"),
    ...errors,
  },
});

const deleteMessage = createRoute({
  method: "delete",
  path: "/{id}/messages/{messageId}",
  tags: tags.admin,
  summary: "Delete any message of the channel, with why (audited; members see it go at once)",
  request: { params: z.object({ id: z.uuid(), messageId: z.uuid() }), ...jsonBody(ReasonBody, false) },
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
      const added = await doInvite(services, actingUser(c), c.req.valid("param").id, c.req.valid("json").userIds);
      return c.json({ added }, 200);
    })
    .openapi(members, async (c) => {
      const { id } = c.req.valid("param");
      const { limit, cursor } = c.req.valid("query");
      // Workspace admins manage channels, not conversations: who talks to whom in a DM is not theirs to list.
      checkNotConversation(await loadChannel(db, id));
      return c.json(await pageOfMembers(db, id, limit ?? 100, cursor), 200);
    })
    .openapi(setDefault, async (c) => {
      await doSetDefault(services, actorOf(c), c.req.valid("param").id, c.req.valid("json").isDefault);
      return c.body(null, 204);
    })
    .openapi(removeMember, async (c) => {
      const { id, userId } = c.req.valid("param");
      await doKick(services, actingUser(c), id, userId);
      return c.body(null, 204);
    })
    .openapi(messages, async (c) => {
      const { id } = c.req.valid("param");
      const { limit, cursor } = c.req.valid("query");
      const channel = await loadChannel(db, id);
      if (channel.kind !== "public" && channel.kind !== "private") throw notFound("Channel");
      const viewer = requireUser(c).user;
      if (channel.kind === "private") await checkIsMember(db, viewer, id);
      return c.json(await recentMessages(db, { channelId: id }, viewer.id, limit ?? 50, cursor), 200);
    })
    .openapi(deleteMessage, async (c) => {
      const { id, messageId } = c.req.valid("param");
      const { reason } = c.req.valid("json");
      const result = await doDeleteChannelMessage(services, actingUser(c), id, messageId, reason);
      return c.json(result, 202);
    })
    .route("/", channelEditRoutes(services, "admin"));
}
