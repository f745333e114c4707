// /api/admin/stats: the dashboard's numbers.
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, openApiRouter } from "../lib/openapi.js";
import type { Services } from "../services.js";
import { tags } from "./schemas.js";
import { signInsPerDay, userStats } from "./stats-queries.js";

const counts = <K extends string>(keys: readonly [K, ...K[]]) =>
  z.object(Object.fromEntries(keys.map((key) => [key, z.number().int()])) as Record<K, z.ZodNumber>);

const StatsSchema = z
  .object({
    users: z.object({
      total: z.number().int(),
      byState: counts(["active", "deactivated", "banned"]),
      byRole: counts(["owner", "admin", "member", "guest"]),
    }),
    signInsPerDay: z.array(z.object({ day: z.iso.date(), count: z.number().int() })),
  })
  .openapi("Stats");

const stats = createRoute({
  method: "get",
  path: "/",
  tags: tags.stats,
  summary: "User counts by state and role; successful sign-ins per UTC day, last 30 days",
  responses: { 200: json(StatsSchema, "The numbers"), ...errorResponses(401, 403) },
});

export function statsRoutes(services: Services) {
  return openApiRouter().openapi(stats, async (c) => {
    const [users, perDay] = await Promise.all([userStats(services.db), signInsPerDay(services.db)]);
    return c.json({ users, signInsPerDay: perDay }, 200);
  });
}
