// /api/notifications/*: what a signed-in user sets up for notifications — whether and how this browser may
// register for pushes (config), do not disturb and quiet hours (settings), and their devices.
// Validate → action → respond. Per-channel settings are PATCH /api/channels/{id}/preferences.
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { doRegisterDevice, doRemoveDevice, listDevices } from "./devices.js";
import { firebaseWebConfigSchema } from "./env.js";
import { doUpdateUserSettings, getUserSettings } from "./user-settings.js";
import { getPushSettings } from "./workspace-settings.js";

const tags = ["notifications"];
const errors = errorResponses(400, 401, 403);

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM, 00:00 to 23:59");
/** FCM registration tokens: URL-safe characters and colons, a few hundred of them. */
const TokenSchema = z
  .string()
  .min(16)
  .max(4096)
  .regex(/^[A-Za-z0-9_:.-]+$/, "an FCM registration token");

const SettingsSchema = z
  .object({
    dndUntil: z.iso.datetime().nullable(),
    quietHours: z.object({ start: HHMM, end: HHMM }).nullable(),
    timeZone: z.string().describe("The profile's time zone, in which quiet hours are read (PATCH /api/me)"),
  })
  .openapi("NotificationSettings");

const DeviceSchema = z
  .object({
    id: z.uuid(),
    platform: z.enum(["web", "android", "ios"]),
    label: z.string(),
    createdAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime(),
    current: z.boolean().describe("Registered from this session (this browser)"),
  })
  .openapi("PushDevice");

const config = createRoute({
  method: "get",
  path: "/config",
  tags,
  summary: "Whether this workspace pushes through FCM, and the Firebase web config browsers register with",
  responses: {
    200: json(
      z.object({
        fcm: z.boolean().describe("FCM pushes are configured and switched on"),
        previews: z.boolean(),
        firebase: firebaseWebConfigSchema.nullable(),
      }),
      "How pushes work here",
    ),
    ...errors,
  },
});

const getSettings = createRoute({
  method: "get",
  path: "/settings",
  tags,
  summary: "My do-not-disturb and quiet hours",
  responses: { 200: json(SettingsSchema, "The settings"), ...errors },
});

const putSettings = createRoute({
  method: "put",
  path: "/settings",
  tags,
  summary: "Snooze (dndUntil, null ends it) or set daily quiet hours (null: none)",
  request: jsonBody(
    z
      .strictObject({
        dndUntil: z.iso
          .datetime({ offset: true })
          .transform((iso) => new Date(iso))
          .refine((date) => date.getTime() > Date.now(), "must be in the future")
          .refine((date) => date.getTime() < Date.now() + 366 * 24 * 3600_000, "at most a year ahead")
          .nullable()
          .optional(),
        quietHours: z
          .strictObject({ start: HHMM, end: HHMM })
          .refine((q) => q.start !== q.end, "start and end differ")
          .nullable()
          .optional(),
      })
      .refine((b) => b.dndUntil !== undefined || b.quietHours !== undefined, "dndUntil or quietHours"),
  ),
  responses: { 200: json(SettingsSchema, "The settings as they now are"), ...errors },
});

const devices = createRoute({
  method: "get",
  path: "/devices",
  tags,
  summary: "My devices that receive pushes",
  responses: { 200: json(z.object({ devices: z.array(DeviceSchema) }), "Most recently seen first"), ...errors },
});

const register = createRoute({
  method: "post",
  path: "/devices",
  tags,
  summary: "Register this browser's (or app's) FCM token for my pushes; it goes when this session signs out",
  request: jsonBody(z.strictObject({ token: TokenSchema, platform: z.enum(["web", "android", "ios"]) })),
  responses: { 200: json(z.object({ device: DeviceSchema }), "The device"), ...errors },
});

const remove = createRoute({
  method: "delete",
  path: "/devices/{id}",
  tags,
  summary: "Stop pushing to one of my devices",
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404) },
});

export function notificationRoutes(services: Services) {
  const { db, config: env } = services;
  return openApiRouter()
    .openapi(config, async (c) => {
      requireUser(c);
      const push = await getPushSettings(db);
      const fcm = Boolean(env.FCM_SERVICE_ACCOUNT) && push.enabled;
      return c.json({ fcm, previews: push.previews, firebase: fcm ? (env.FIREBASE_WEB_CONFIG ?? null) : null }, 200);
    })
    .openapi(getSettings, async (c) => c.json(await getUserSettings(db, requireUser(c).user.id), 200))
    .openapi(putSettings, async (c) => {
      const { user } = requireUser(c);
      return c.json(await doUpdateUserSettings(db, user.id, c.req.valid("json")), 200);
    })
    .openapi(devices, async (c) => {
      const { user, session } = requireUser(c);
      return c.json({ devices: await listDevices(db, user.id, session.id) }, 200);
    })
    .openapi(register, async (c) => {
      const { user, session } = requireUser(c);
      const { token, platform } = c.req.valid("json");
      const device = await doRegisterDevice(
        db,
        { userId: user.id, sessionId: session.id },
        { token, platform, userAgent: c.req.header("user-agent") },
      );
      return c.json({ device }, 200);
    })
    .openapi(remove, async (c) => {
      await doRemoveDevice(db, requireUser(c).user.id, c.req.valid("param").id);
      return c.body(null, 204);
    });
}
