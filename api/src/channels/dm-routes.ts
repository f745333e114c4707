// POST /api/dms: open the DM or group DM of exactly these people (and me), creating it the first time.
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { doOpenDm, MAX_GROUP_MEMBERS } from "./dm.js";
import { getChannel } from "./queries.js";
import { ChannelEnvelope, tags } from "./schemas.js";

const open = createRoute({
  method: "post",
  path: "/",
  tags: tags.channels,
  summary: "Open a DM (one other person) or group DM (up to 8 with me); the same set always gives the same chat",
  request: jsonBody(
    z.strictObject({
      userIds: z
        .array(z.uuid())
        .min(1)
        .max(MAX_GROUP_MEMBERS)
        .openapi({ description: "The other members (my own id may be included; it is ignored)" }),
    }),
  ),
  responses: {
    200: json(ChannelEnvelope, "It existed already"),
    201: json(ChannelEnvelope, "Created"),
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

export function dmRoutes(services: Services) {
  return openApiRouter().openapi(open, async (c) => {
    const { user } = requireUser(c);
    const { channelId, created } = await doOpenDm(services, user, c.req.valid("json").userIds);
    const channel = await getChannel(services.db, user, channelId);
    return created ? c.json({ channel }, 201) : c.json({ channel }, 200);
  });
}
