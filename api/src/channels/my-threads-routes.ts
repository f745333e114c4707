// GET /api/threads: the threads I take part in, the most recently answered first.
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { listMyThreads, MyThreadSchema } from "./my-threads.js";
import { intQuery, tags } from "./schemas.js";

const myThreads = createRoute({
  method: "get",
  path: "/",
  tags: tags.messages,
  summary: "The threads I started or replied to, in the channels I am in, most recently answered first",
  request: { query: z.object({ limit: intQuery(1, 100).optional() }) },
  responses: {
    200: json(z.object({ threads: z.array(MyThreadSchema) }), "Newest reply first"),
    ...errorResponses(400, 401, 403),
  },
});

export function myThreadsRoutes(services: Services) {
  return openApiRouter().openapi(myThreads, async (c) =>
    c.json(await listMyThreads(services.db, requireUser(c).user, c.req.valid("query").limit ?? 30), 200),
  );
}
