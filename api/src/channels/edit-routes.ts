// Rename/retopic and archive/unarchive, mounted twice: under /api/channels for channel admins (and
// workspace admins) and under /api/admin/channels for the dashboard. The actions decide who may.
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import type { Services } from "../services.js";
import { actingUser } from "./acting-user.js";
import { doEditChannel, doSetArchived } from "./actions.js";
import { getChangedChannel } from "./queries.js";
import { ChannelEnvelope, ChannelIdParam, ChannelNameSchema, PurposeSchema, TopicSchema, tags } from "./schemas.js";

const the = json(ChannelEnvelope, "The channel as it now is");
const errors = errorResponses(400, 401, 403, 404, 409);

export function channelEditRoutes(services: Services, audience: "channels" | "admin") {
  const who = audience === "admin" ? "" : " (channel admins and workspace admins)";
  const edit = createRoute({
    method: "patch",
    path: "/{id}",
    tags: tags[audience],
    summary: `Rename, or change topic or purpose${who}`,
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
    responses: { 200: the, ...errors },
  });
  const archive = (archived: boolean) =>
    createRoute({
      method: "post",
      path: `/{id}/${archived ? "archive" : "unarchive"}`,
      tags: tags[audience],
      summary: archived ? `Archive: read-only from now on${who}; idempotent` : `Unarchive${who}; idempotent`,
      request: ChannelIdParam,
      responses: { 200: the, ...errors },
    });

  const { db } = services;
  return openApiRouter()
    .openapi(edit, async (c) => {
      const user = actingUser(c);
      const { id } = c.req.valid("param");
      await doEditChannel(services, user, id, c.req.valid("json"));
      return c.json({ channel: await getChangedChannel(db, user, id) }, 200);
    })
    .openapi(archive(true), async (c) => {
      const user = actingUser(c);
      const { id } = c.req.valid("param");
      await doSetArchived(services, user, id, true);
      return c.json({ channel: await getChangedChannel(db, user, id) }, 200);
    })
    .openapi(archive(false), async (c) => {
      const user = actingUser(c);
      const { id } = c.req.valid("param");
      await doSetArchived(services, user, id, false);
      return c.json({ channel: await getChangedChannel(db, user, id) }, 200);
    });
}
