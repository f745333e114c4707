// /api/channels/{id}/pins: list, pin, unpin. Validate → action → respond.
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { actingUser } from "./acting-user.js";
import { doPin, doUnpin, listPins } from "./pins.js";
import { ChannelIdParam, tags } from "./schemas.js";

const errors = errorResponses(400, 401, 403, 404, 409);

const PinSchema = z
  .object({
    pinnedById: z.uuid(),
    pinnedAt: z.iso.datetime(),
    message: z.object({
      id: z.uuid(),
      seq: z.int(),
      authorId: z.uuid(),
      body: z.string(),
      parentId: z.uuid().nullable(),
      createdAt: z.iso.datetime(),
      editedAt: z.iso.datetime().nullable(),
    }),
  })
  .openapi("Pin");

const list = createRoute({
  method: "get",
  path: "/{id}/pins",
  tags: tags.channels,
  summary: "The channel's pinned messages, newest pin first (whoever may read the channel)",
  request: ChannelIdParam,
  responses: { 200: json(z.object({ pins: z.array(PinSchema) }), "All of them"), ...errors },
});

const pin = createRoute({
  method: "post",
  path: "/{id}/pins",
  tags: tags.channels,
  summary:
    "Pin a message of the channel (members; at most 100 pins; pinning twice changes nothing); members get messagePinned",
  request: { ...ChannelIdParam, ...jsonBody(z.strictObject({ messageId: z.uuid() })) },
  responses: { 204: { description: "Pinned" }, ...errors },
});

const unpin = createRoute({
  method: "delete",
  path: "/{id}/pins/{messageId}",
  tags: tags.channels,
  summary: "Unpin a message (members); members get messageUnpinned",
  request: { params: z.object({ id: z.uuid(), messageId: z.uuid() }) },
  responses: { 204: { description: "Unpinned" }, ...errors },
});

export function pinRoutes(services: Services) {
  const { db } = services;
  return openApiRouter()
    .openapi(list, async (c) => c.json({ pins: await listPins(db, requireUser(c).user, c.req.valid("param").id) }, 200))
    .openapi(pin, async (c) => {
      await doPin(services, actingUser(c), c.req.valid("param").id, c.req.valid("json").messageId);
      return c.body(null, 204);
    })
    .openapi(unpin, async (c) => {
      const { id, messageId } = c.req.valid("param");
      await doUnpin(services, actingUser(c), id, messageId);
      return c.body(null, 204);
    });
}
