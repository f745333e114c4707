// /api/admin/users/{id}/messages|channels|sessions and /api/admin/users/bulk: the user's page in the
// dashboard (what they wrote, where they are, where they are signed in) and actions on many users at once.
import { createRoute, z } from "@hono/zod-openapi";
import { ReasonSchema } from "../accounts/schemas.js";
import { intQuery } from "../channels/schemas.js";
import { CursorQuery } from "../lib/cursor.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import type { Services } from "../services.js";
import { actorOf } from "./guard.js";
import { ModeratedMessageSchema, recentMessages } from "./messages-queries.js";
import { BULK_ACTIONS, doBulk, doSignOutSession } from "./moderation-actions.js";
import { ReasonBody, tags, UserIdParam } from "./schemas.js";
import { channelsOfUser, sessionsOfUser, UserChannelSchema, UserSessionSchema } from "./user-page-queries.js";
import { getUser } from "./users-queries.js";

const errors = errorResponses(400, 401, 403, 404);

const messages = createRoute({
  method: "get",
  path: "/{id}/messages",
  tags: tags.users,
  summary: "The user's recent messages, newest first, in public channels and private ones you are in (moderation)",
  request: {
    ...UserIdParam,
    query: z.object({ limit: intQuery(1, 100).optional(), cursor: CursorQuery.optional() }),
  },
  responses: {
    200: json(z.object({ messages: z.array(ModeratedMessageSchema), nextCursor: z.string().nullable() }), "One page"),
    ...errors,
  },
});

const channels = createRoute({
  method: "get",
  path: "/{id}/channels",
  tags: tags.users,
  summary: "The public and private channels the user is in, and how many DMs and group DMs",
  request: UserIdParam,
  responses: {
    200: json(z.object({ channels: z.array(UserChannelSchema), conversations: z.int() }), "Their channels"),
    ...errors,
  },
});

const sessions = createRoute({
  method: "get",
  path: "/{id}/sessions",
  tags: tags.users,
  summary: "Where the user is signed in (valid sessions, most recently used first)",
  request: UserIdParam,
  responses: { 200: json(z.object({ sessions: z.array(UserSessionSchema) }), "Their sessions"), ...errors },
});

const endSession = createRoute({
  method: "delete",
  path: "/{id}/sessions/{sessionId}",
  tags: tags.users,
  summary: "Sign the user out of one session (its sockets close at once); audited",
  request: {
    params: z.object({ id: z.uuid(), sessionId: z.string().regex(/^[0-9a-f]{64}$/, "a session id") }),
    ...jsonBody(ReasonBody, false),
  },
  responses: { 204: { description: "Signed out" }, ...errorResponses(400, 401, 403, 404, 409) },
});

const bulk = createRoute({
  method: "post",
  path: "/bulk",
  tags: tags.users,
  summary: "Deactivate or sign out several users; each is done or refused on its own",
  request: {
    ...jsonBody(
      z.strictObject({
        userIds: z.array(z.uuid()).min(1).max(100),
        action: z.enum(BULK_ACTIONS),
        reason: ReasonSchema.optional(),
      }),
    ),
  },
  responses: {
    200: json(
      z.object({
        results: z.array(
          z.object({
            id: z.uuid(),
            ok: z.boolean(),
            error: z.object({ code: z.string(), message: z.string() }).optional(),
          }),
        ),
      }),
      "One result per user",
    ),
    ...errorResponses(400, 401, 403),
  },
});

export function userPageRoutes(services: Services) {
  const { db } = services;
  return openApiRouter()
    .openapi(bulk, async (c) => {
      const { userIds, action, reason } = c.req.valid("json");
      return c.json({ results: await doBulk(services, actorOf(c), userIds, action, reason) }, 200);
    })
    .openapi(messages, async (c) => {
      const { id } = c.req.valid("param");
      const { limit, cursor } = c.req.valid("query");
      await getUser(db, id);
      return c.json(await recentMessages(db, { authorId: id }, actorOf(c).id, limit ?? 50, cursor), 200);
    })
    .openapi(channels, async (c) => {
      const { id } = c.req.valid("param");
      await getUser(db, id);
      return c.json(await channelsOfUser(db, id), 200);
    })
    .openapi(sessions, async (c) => {
      const { id } = c.req.valid("param");
      await getUser(db, id);
      return c.json({ sessions: await sessionsOfUser(db, id) }, 200);
    })
    .openapi(endSession, async (c) => {
      const { id, sessionId } = c.req.valid("param");
      await doSignOutSession(services, actorOf(c), id, sessionId, c.req.valid("json").reason);
      return c.body(null, 204);
    });
}
