// History over HTTP: /api/channels/{id}/messages and /events, and /api/messages/{id}/thread.
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { getThread, listEvents } from "./history.js";
import { listMessages } from "./history-page.js";
import { ChannelIdParam, intQuery, MessageSchema, StoredEventSchema, tags } from "./schemas.js";

const errors = errorResponses(400, 401, 403, 404);
const SEQ_MAX = 2_147_483_647;

const messages = createRoute({
  method: "get",
  path: "/{id}/messages",
  tags: tags.messages,
  summary: "A page of top-level messages, oldest first",
  description:
    "Without `after`: the newest `limit` messages before `before` (or the newest of all); page back with " +
    "`before` = the first seq of the page while `hasMore`. With `after`: the oldest `limit` after it; page " +
    "forward with `after` = the last seq. Readable by members, and by any non-guest for a public channel. " +
    "`lastSeq` is the channel's position when the page was read: resume the socket from it.",
  request: {
    ...ChannelIdParam,
    query: z
      .object({
        before: intQuery(1, SEQ_MAX).optional(),
        after: intQuery(0, SEQ_MAX).optional(),
        limit: intQuery(1, 200).optional(),
      })
      .refine((q) => q.before === undefined || q.after === undefined, "before or after, not both"),
  },
  responses: {
    200: json(z.object({ messages: z.array(MessageSchema), hasMore: z.boolean(), lastSeq: z.int() }), "One page"),
    ...errors,
  },
});

const events = createRoute({
  method: "get",
  path: "/{id}/events",
  tags: tags.messages,
  summary: "Stored channel events after a seq, in order (to catch up after resyncRequired)",
  request: {
    ...ChannelIdParam,
    query: z.object({ after: intQuery(0, SEQ_MAX).optional(), limit: intQuery(1, 1000).optional() }),
  },
  responses: {
    200: json(z.object({ events: z.array(StoredEventSchema), hasMore: z.boolean(), lastSeq: z.int() }), "In seq order"),
    ...errors,
  },
});

const thread = createRoute({
  method: "get",
  path: "/{id}/thread",
  tags: tags.messages,
  summary: "A thread: its first message and a page of replies in seq order (a reply's id gives its thread)",
  request: {
    params: z.object({ id: z.uuid() }),
    query: z.object({ after: intQuery(0, SEQ_MAX).optional(), limit: intQuery(1, 500).optional() }),
  },
  responses: {
    200: json(z.object({ parent: MessageSchema, replies: z.array(MessageSchema), hasMore: z.boolean() }), "The thread"),
    ...errors,
  },
});

/** Mounted under /api/channels. */
export function historyRoutes(services: Services) {
  return openApiRouter()
    .openapi(messages, async (c) => {
      const { limit, ...page } = c.req.valid("query");
      return c.json(
        await listMessages(services, requireUser(c).user, c.req.valid("param").id, { ...page, limit: limit ?? 50 }),
        200,
      );
    })
    .openapi(events, async (c) => {
      const { after, limit } = c.req.valid("query");
      return c.json(
        await listEvents(services, requireUser(c).user, c.req.valid("param").id, after ?? 0, limit ?? 200),
        200,
      );
    });
}

/** Mounted under /api/messages. */
export function threadRoutes(services: Services) {
  return openApiRouter().openapi(thread, async (c) => {
    const { after, limit } = c.req.valid("query");
    const page = { after, limit: limit ?? 200 };
    return c.json(await getThread(services, requireUser(c).user, c.req.valid("param").id, page), 200);
  });
}
