// /api/calls: a channel's calls in its timeline (the live ones come over the socket: call.list, callRoster).
import { $, createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { intQuery, StoredEventSchema } from "../channels/schemas.js";
import { errorResponses, json, openApiRouter } from "../lib/openapi.js";
import { type AuthEnv, requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { listCallEvents } from "./timeline.js";

const SEQ_MAX = 2_147_483_647;

const signedIn: MiddlewareHandler<AuthEnv> = async function signedIn(c, next) {
  requireUser(c);
  await next();
};

const timeline = createRoute({
  method: "get",
  path: "/{channelId}/timeline",
  tags: ["calls"],
  summary: "A channel's callStarted and callEnded events between two seqs, in order (members only)",
  request: {
    params: z.object({ channelId: z.uuid() }),
    query: z.object({
      after: intQuery(0, SEQ_MAX).optional(),
      before: intQuery(1, SEQ_MAX).optional(),
      limit: intQuery(1, 500).optional(),
    }),
  },
  responses: {
    200: json(z.object({ events: z.array(StoredEventSchema), hasMore: z.boolean() }), "In seq order"),
    ...errorResponses(400, 401, 403, 404),
  },
});

export const callRoutes = (services: Services) =>
  $(openApiRouter().use(signedIn)).openapi(timeline, async (c) => {
    const { limit, ...range } = c.req.valid("query");
    const { channelId } = c.req.valid("param");
    return c.json(
      await listCallEvents(services.db, requireUser(c).user, channelId, { ...range, limit: limit ?? 200 }),
      200,
    );
  });
