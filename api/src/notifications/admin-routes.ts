// /api/admin/push: the workspace's push switches and the live pushes-per-minute counts (admins only: the
// guard is in admin/routes.ts). Validate → action → respond.
import { createRoute, z } from "@hono/zod-openapi";
import { actorOf } from "../admin/guard.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import type { Services } from "../services.js";
import { pushesPerMinute } from "./counters.js";
import { doSetPushSettings, getPushSettings } from "./workspace-settings.js";

const tags = ["admin: push"];

const SettingsSchema = z
  .object({
    enabled: z.boolean().describe("FCM pushes on; in-browser notifications do not depend on it"),
    previews: z.boolean().describe("Show the sender and the start of the message; off: only 'New message'"),
    fcmConfigured: z.boolean().describe("The server has an FCM service account (FCM_SERVICE_ACCOUNT)"),
  })
  .openapi("PushSettings");

const get = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "Push settings",
  responses: { 200: json(SettingsSchema, "The settings"), ...errorResponses(401, 403) },
});

const put = createRoute({
  method: "put",
  path: "/",
  tags,
  summary: "Switch pushes or previews on or off (audited)",
  request: jsonBody(
    z
      .strictObject({ enabled: z.boolean().optional(), previews: z.boolean().optional() })
      .refine((b) => b.enabled !== undefined || b.previews !== undefined, "enabled or previews"),
  ),
  responses: { 200: json(SettingsSchema, "The settings as they now are"), ...errorResponses(400, 401, 403) },
});

const stats = createRoute({
  method: "get",
  path: "/stats",
  tags,
  summary: "Pushes per minute over the last hour, by outcome, across every notifier",
  responses: {
    200: json(
      z.object({
        minutes: z.array(
          z.object({
            minute: z.iso.datetime(),
            sent: z.number().int().describe("FCM accepted"),
            failed: z.number().int().describe("FCM refused for good (dead tokens, dead letters)"),
            browser: z.number().int().describe("shown by an open tab"),
          }),
        ),
      }),
      "Oldest first; the last minute is still counting",
    ),
    ...errorResponses(401, 403),
  },
});

export function adminPushRoutes(services: Services) {
  const fcmConfigured = Boolean(services.config.FCM_SERVICE_ACCOUNT);
  return openApiRouter()
    .openapi(get, async (c) => c.json({ ...(await getPushSettings(services.db)), fcmConfigured }, 200))
    .openapi(put, async (c) => {
      const settings = await doSetPushSettings(services.db, actorOf(c), c.req.valid("json"));
      return c.json({ ...settings, fcmConfigured }, 200);
    })
    .openapi(stats, async (c) => c.json({ minutes: await pushesPerMinute(services.kv) }, 200));
}
