// /api/channels/{id}/…: join, leave, members, invite, remove, notification preferences, read position.
import { createRoute, z } from "@hono/zod-openapi";
import { CursorQuery } from "../lib/cursor.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { actingUser } from "./acting-user.js";
import { doMarkRead, doSetPreferences } from "./actions.js";
import { doInvite, doJoin, doKick, doLeave } from "./membership.js";
import { getChannel, listMembers } from "./queries.js";
import {
  ChannelEnvelope,
  ChannelIdParam,
  ChannelMemberSchema,
  intQuery,
  MemberParam,
  NotifyLevelSchema,
  tags,
  UserIdsBody,
} from "./schemas.js";

const errors = errorResponses(400, 401, 403, 404, 409);
const done = { 204: { description: "Done" } };

const join = createRoute({
  method: "post",
  path: "/{id}/join",
  tags: tags.channels,
  summary:
    "Join a public channel (not guests; joining twice changes nothing). Any other channel one is not in answers 404, as one that does not exist",
  request: ChannelIdParam,
  responses: { 200: json(ChannelEnvelope, "The channel, now joined"), ...errors },
});

const leave = createRoute({
  method: "post",
  path: "/{id}/leave",
  tags: tags.channels,
  summary: "Leave a channel or group DM (not a DM)",
  request: ChannelIdParam,
  responses: { ...done, ...errors },
});

// The members list and adding people have the same request and answer here and under /api/admin/channels
// (admin-routes.ts); only the tag, the summary and who may call differ.
export const membersRoute = (routeTags: string[], summary: string) =>
  createRoute({
    method: "get",
    path: "/{id}/members",
    tags: routeTags,
    summary,
    request: {
      ...ChannelIdParam,
      query: z.object({ limit: intQuery(1, 500).optional(), cursor: CursorQuery.optional() }),
    },
    responses: {
      200: json(z.object({ members: z.array(ChannelMemberSchema), nextCursor: z.string().nullable() }), "One page"),
      ...errors,
    },
  });

export const addMembersRoute = (routeTags: string[], summary: string) =>
  createRoute({
    method: "post",
    path: "/{id}/members",
    tags: routeTags,
    summary,
    request: { ...ChannelIdParam, ...jsonBody(UserIdsBody) },
    responses: { 200: json(z.object({ added: z.array(z.uuid()) }), "Those who were not members yet"), ...errors },
  });

const members = membersRoute(tags.channels, "A page of the channel's members");
const invite = addMembersRoute(
  tags.channels,
  "Add people: any member of a public channel, the admins of a private one",
);

const kick = createRoute({
  method: "delete",
  path: "/{id}/members/{userId}",
  tags: tags.channels,
  summary: "Remove someone (channel admins and workspace admins)",
  request: MemberParam,
  responses: { ...done, ...errors },
});

const Preferences = z.object({ muted: z.boolean(), notifyLevel: NotifyLevelSchema });

const preferences = createRoute({
  method: "patch",
  path: "/{id}/preferences",
  tags: tags.channels,
  summary: "My notification settings for this channel",
  request: {
    ...ChannelIdParam,
    ...jsonBody(
      z
        .strictObject({ muted: z.boolean().optional(), notifyLevel: NotifyLevelSchema.optional() })
        .refine((b) => b.muted !== undefined || b.notifyLevel !== undefined, "muted or notifyLevel"),
    ),
  },
  responses: { 200: json(Preferences, "The settings as they now are"), ...errors },
});

const read = createRoute({
  method: "post",
  path: "/{id}/read",
  tags: tags.channels,
  summary: "Move my read position forward (never back; at most the channel's last seq)",
  request: { ...ChannelIdParam, ...jsonBody(z.strictObject({ seq: z.int().min(0).max(2_147_483_647) })) },
  responses: { 200: json(z.object({ channelId: z.uuid(), seq: z.int() }), "The position now stored"), ...errors },
});

export function memberRoutes(services: Services) {
  const { db } = services;
  return openApiRouter()
    .openapi(join, async (c) => {
      const { user } = requireUser(c);
      const { id } = c.req.valid("param");
      await doJoin(services, user, id);
      return c.json({ channel: await getChannel(db, user, id) }, 200);
    })
    .openapi(leave, async (c) => {
      await doLeave(services, requireUser(c).user, c.req.valid("param").id);
      return c.body(null, 204);
    })
    .openapi(members, async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(await listMembers(db, requireUser(c).user, c.req.valid("param").id, limit ?? 100, cursor), 200);
    })
    .openapi(invite, async (c) => {
      const added = await doInvite(services, actingUser(c), c.req.valid("param").id, c.req.valid("json").userIds);
      return c.json({ added }, 200);
    })
    .openapi(kick, async (c) => {
      const { id, userId } = c.req.valid("param");
      await doKick(services, actingUser(c), id, userId);
      return c.body(null, 204);
    })
    .openapi(preferences, async (c) => {
      const prefs = await doSetPreferences(db, requireUser(c).user, c.req.valid("param").id, c.req.valid("json"));
      return c.json(prefs, 200);
    })
    .openapi(read, async (c) => {
      const { id } = c.req.valid("param");
      const seq = await doMarkRead(services, requireUser(c).user.id, id, c.req.valid("json").seq);
      return c.json({ channelId: id, seq }, 200);
    });
}
