// /api/channels: my channels, the public directory, create, read, edit, archive. Validate → action → respond.
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { checkNotGuest } from "./access.js";
import { doCreateChannel, doEditChannel, doSetArchived } from "./actions.js";
import { getChangedChannel, getChannel, listDirectory, listMyChannels } from "./queries.js";
import {
  boolQuery,
  ChannelEnvelope,
  ChannelIdParam,
  ChannelNameSchema,
  CursorQuery,
  DirectoryEntrySchema,
  intQuery,
  MyChannelSchema,
  PurposeSchema,
  TopicSchema,
  tags,
} from "./schemas.js";

const the = json(ChannelEnvelope, "The channel as it now is");

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
      q: z.string().trim().max(80).optional().openapi({ description: "Name prefix, any case" }),
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

const edit = createRoute({
  method: "patch",
  path: "/{id}",
  tags: tags.channels,
  summary: "Rename, or change topic or purpose (channel admins and workspace admins)",
  request: {
    ...ChannelIdParam,
    ...jsonBody(
      z
        .strictObject({
          name: ChannelNameSchema.optional(),
          topic: TopicSchema.optional(),
          purpose: PurposeSchema.optional(),
        })
        .refine((b) => Object.keys(b).length > 0, "name, topic or purpose"),
    ),
  },
  responses: { 200: the, ...errorResponses(400, 401, 403, 404, 409) },
});

const archive = (archived: boolean) =>
  createRoute({
    method: "post",
    path: `/{id}/${archived ? "archive" : "unarchive"}`,
    tags: tags.channels,
    summary: archived
      ? "Archive: read-only from now on (channel admins and workspace admins; idempotent)"
      : "Unarchive (channel admins and workspace admins; idempotent)",
    request: ChannelIdParam,
    responses: { 200: the, ...errorResponses(400, 401, 403, 404, 409) },
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
      const { user } = requireUser(c);
      const id = await doCreateChannel(services, user, c.req.valid("json"));
      return c.json({ channel: await getChannel(db, user, id) }, 201);
    })
    .openapi(get, async (c) => {
      return c.json({ channel: await getChannel(db, requireUser(c).user, c.req.valid("param").id) }, 200);
    })
    .openapi(edit, async (c) => {
      const { user } = requireUser(c);
      const { id } = c.req.valid("param");
      await doEditChannel(services, user, id, c.req.valid("json"));
      return c.json({ channel: await getChangedChannel(db, user, id) }, 200);
    })
    .openapi(archive(true), async (c) => {
      const { user } = requireUser(c);
      const { id } = c.req.valid("param");
      await doSetArchived(services, user, id, true);
      return c.json({ channel: await getChangedChannel(db, user, id) }, 200);
    })
    .openapi(archive(false), async (c) => {
      const { user } = requireUser(c);
      const { id } = c.req.valid("param");
      await doSetArchived(services, user, id, false);
      return c.json({ channel: await getChangedChannel(db, user, id) }, 200);
    });
}
