// GET /api/search: full-text search over the messages of my channels, newest first.
import { createRoute, z } from "@hono/zod-openapi";
import { CursorQuery } from "../lib/cursor.js";
import { errorResponses, json, openApiRouter } from "../lib/openapi.js";
import { userText } from "../lib/user-text.js";
import { requireUser } from "../middleware/session/index.js";
import { SearchQuota } from "../quotas/quotas.js";
import type { Services } from "../services.js";
import { intQuery, tags } from "./schemas.js";
import { SearchHitSchema, searchMessages } from "./search.js";

const search = createRoute({
  method: "get",
  path: "/",
  tags: tags.search,
  summary: 'Search the messages of the channels I am in (web-search syntax: "phrase", or, -word)',
  request: {
    query: z.object({
      q: userText("line", { min: 1, max: 256 }),
      channelId: z.uuid().optional(),
      limit: intQuery(1, 100).optional(),
      cursor: CursorQuery.optional(),
    }),
  },
  responses: {
    200: json(z.object({ hits: z.array(SearchHitSchema), nextCursor: z.string().nullable() }), "Newest first"),
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

export function searchRoutes(services: Services) {
  const quota = new SearchQuota(services.kv, services.config);
  return openApiRouter().openapi(search, async (c) => {
    const { limit, ...query } = c.req.valid("query");
    const { user } = requireUser(c);
    const hits = await quota.run(user.id, () => searchMessages(services, user, { ...query, limit: limit ?? 20 }));
    return c.json(hits, 200);
  });
}
