// /api/people: the member directory (any signed-in user, within what guests may see), one person's card,
// and presence now for a set of people (what a client shows at first paint, before any presence frame).
import { $, createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { getPerson, listPeople, presenceOf } from "./queries.js";
import { DirectoryQuery, PeoplePage, PersonSchema, PresenceAnswer, PresenceQuery } from "./schemas.js";

const tags = ["people"];

const directory = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "Active members by name, with presence; guests see only the people of their channels",
  request: { query: DirectoryQuery },
  responses: { 200: json(PeoplePage, "One page, by name"), ...errorResponses(400, 401, 403) },
});

const person = createRoute({
  method: "get",
  path: "/{id}",
  tags,
  summary: "One person's card",
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: json(z.object({ person: PersonSchema }), "The person"),
    ...errorResponses(400, 401, 403, 404),
  },
});

const presence = createRoute({
  method: "post",
  path: "/presence",
  tags,
  summary: "Presence now of up to 500 people (those the caller may not see are left out)",
  request: jsonBody(PresenceQuery),
  responses: { 200: json(PresenceAnswer, "Their presence"), ...errorResponses(400, 401, 403) },
});

export function peopleRoutes(services: Services) {
  return $(
    openApiRouter().use(async function signedIn(c, next) {
      requireUser(c);
      await next();
    }),
  )
    .openapi(directory, async (c) => {
      const { q, limit, cursor } = c.req.valid("query");
      return c.json(await listPeople(services, requireUser(c).user, { q, limit: limit ?? 50, cursor }), 200);
    })
    .openapi(presence, async (c) => {
      const answer = await presenceOf(services, requireUser(c).user, c.req.valid("json").userIds);
      return c.json({ presence: answer }, 200);
    })
    .openapi(person, async (c) => {
      return c.json({ person: await getPerson(services, requireUser(c).user, c.req.valid("param").id) }, 200);
    });
}
