// /api/channels: my channels, the public directory, create, read, edit, archive. Validate → action → respond.
import { createRoute, z } from "@hono/zod-openapi";
import { CursorQuery } from "../lib/cursor.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { checkNotGuest } from "./access.js";
import { actingUser } from "./acting-user.js";
import { doCreateChannel } from "./actions.js";
import { channelEditRoutes } from "./edit-routes.js";
import { getChannel, listDirectory, listMyChannels } from "./queries.js";
import {
  boolQuery,
  ChannelEnvelope,
  ChannelIdParam,
  ChannelNameSchema,
  DirectoryEntrySchema,
  intQuery,
  MyChannelSchema,
  NamePrefixQuery,
  PurposeSchema,
  TopicSchema,
  tags,
} from "./schemas.js";

const mine = createRoute({
  method: "get",
  path: "/",
  tags: tags.channels,
  summary: "The channels, DMs and group DMs I am in, with unread and mention counts",
  responses: {
    200: json(z.object({ channels: z.array(MyChannelSchema) }), "All of them"),
    ...errorResponses(401, 403),
  },
});

const browse = createRoute({
  method: "get",
  path: "/browse",
  tags: tags.channels,
  summary: "The public channel directory, by name (not for guests)",
  request: {
    query: z.object({
      q: NamePrefixQuery.optional(),
      includeArchived: boolQuery.optional(),
      limit: intQuery(1, 100).optional(),
      cursor: CursorQuery.optional(),
    }),
  },
  responses: {
    200: json(z.object({ channels: z.array(DirectoryEntrySchema), nextCursor: z.string().nullable() }), "One page"),
    ...errorResponses(400, 401, 403),
  },
});

const create = createRoute({
  method: "post",
  path: "/",
  tags: tags.channels,
  summary: "Create a public or private channel; the creator becomes its admin (not for guests)",
  request: jsonBody(
    z.strictObject({
      kind: z.enum(["public", "private"]),
      name: ChannelNameSchema,
      topic: TopicSchema.optional(),
      purpose: PurposeSchema.optional(),
    }),
  ),
  responses: { 201: json(ChannelEnvelope, "Created"), ...errorResponses(400, 401, 403, 409) },
});

const get = createRoute({
  method: "get",
  path: "/{id}",
  tags: tags.channels,
  summary: "One channel: members, and any non-guest for a public channel",
  request: ChannelIdParam,
  responses: { 200: json(ChannelEnvelope, "The channel"), ...errorResponses(400, 401, 403, 404) },
});

export function coreRoutes(services: Services) {
  const { db } = services;
  return openApiRouter()
    .openapi(mine, async (c) => {
      return c.json({ channels: await listMyChannels(db, requireUser(c).user.id) }, 200);
    })
    .openapi(browse, async (c) => {
      const { user } = requireUser(c);
      checkNotGuest(user, "browse channels");
      const { q, includeArchived, limit, cursor } = c.req.valid("query");
      const page = await listDirectory(db, {
        viewerId: user.id,
        kinds: ["public"],
        q,
        includeArchived: includeArchived ?? false,
        limit: limit ?? 50,
        cursor,
      });
      return c.json(page, 200);
    })
    .openapi(create, async (c) => {
      const user = actingUser(c);
      const id = await doCreateChannel(services, user, c.req.valid("json"));
      return c.json({ channel: await getChannel(db, user, id) }, 201);
    })
    .openapi(get, async (c) => {
      return c.json({ channel: await getChannel(db, requireUser(c).user, c.req.valid("param").id) }, 200);
    })
    .route("/", channelEditRoutes(services, "channels"));
}
