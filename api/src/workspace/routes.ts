// /api/admin/settings: the workspace's settings and its message retention (admins only: the guard is in
// admin/routes.ts). Validate → action → respond. Push switches and file limits keep their own routes
// (/api/admin/push, /api/admin/files/settings); the dashboard's Settings page links to them.
import { createRoute, z } from "@hono/zod-openapi";
import { actorOf } from "../admin/guard.js";
import { conflict } from "../errors.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { userText } from "../lib/user-text.js";
import type { Services } from "../services.js";
import { countExpired, cutoffFor, runRetention } from "./retention.js";
import { doUpdateSettings, readSettings } from "./settings.js";

const tags = ["admin: settings"];

export const MAX_RETENTION_DAYS = 36_500;
const graphemes = (text: string) =>
  [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)].length;

const SettingsSchema = z
  .object({
    name: z.string(),
    icon: z.string().describe("An emoji or up to two letters; empty shows the name's first letter"),
    channelCreators: z.enum(["members", "admins"]).describe("Who may create channels (guests never do)"),
    guestsCanStartDms: z.boolean().describe("Guests may start conversations with the people of their channels"),
    retentionDays: z.int().nullable().describe("Messages older than this are deleted; null keeps them all"),
  })
  .openapi("WorkspaceSettings");

const EditSchema = z
  .strictObject({
    name: userText("name", { min: 1, max: 60 }).optional(),
    icon: userText("name", { max: 32 })
      .refine((icon) => graphemes(icon) <= 2, "an emoji or up to two letters")
      .optional(),
    channelCreators: z.enum(["members", "admins"]).optional(),
    guestsCanStartDms: z.boolean().optional(),
    retentionDays: z.int().min(1).max(MAX_RETENTION_DAYS).nullable().optional(),
  })
  .refine((edit) => Object.values(edit).some((v) => v !== undefined), "name at least one setting");

const RetentionSchema = z
  .object({
    retentionDays: z.int().nullable(),
    cutoff: z.iso.datetime().nullable().describe("Messages created before this go in the next run"),
    expiredMessages: z.int().describe("How many messages the next run would delete"),
  })
  .openapi("Retention");

const PurgedSchema = z
  .object({
    cutoff: z.iso.datetime(),
    retentionDays: z.int(),
    messages: z.int(),
    files: z.int(),
    events: z.int(),
  })
  .openapi("RetentionPurge");

const DefaultChannelsSchema = z
  .array(z.object({ id: z.uuid(), name: z.string() }))
  .describe("The channels new accounts join (set per channel: PUT /api/admin/channels/{id}/default)");

const get = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "The workspace's settings, and the default channels new accounts join",
  responses: {
    200: json(SettingsSchema.extend({ defaultChannels: DefaultChannelsSchema }), "The settings"),
    ...errorResponses(401, 403),
  },
});

const patch = createRoute({
  method: "patch",
  path: "/",
  tags,
  summary: "Change some settings (audited); every node uses the new values from its next request",
  request: jsonBody(EditSchema),
  responses: { 200: json(SettingsSchema, "The settings as they now are"), ...errorResponses(400, 401, 403) },
});

const retention = createRoute({
  method: "get",
  path: "/retention",
  tags,
  summary: "The retention and how many messages the next run would delete",
  responses: { 200: json(RetentionSchema, "Retention"), ...errorResponses(401, 403) },
});

const runNow = createRoute({
  method: "post",
  path: "/retention/run",
  tags,
  summary: "Delete every message older than the retention now, with its files (audited with the counts)",
  responses: {
    200: json(PurgedSchema, "What was deleted"),
    202: json(
      z.object({ status: z.literal("already_running") }),
      "A run is under way already (another admin's, or the scheduled one): it deletes the same messages",
    ),
    ...errorResponses(401, 403, 409),
  },
});

export function settingsRoutes(services: Services) {
  return openApiRouter()
    .openapi(get, async (c) => {
      const [settings, defaultChannels] = await Promise.all([
        readSettings(services.sql),
        services.db.channel.findMany({
          where: { isDefault: true, archivedAt: null, kind: "public" },
          select: { id: true, name: true },
          orderBy: { name: "asc" },
        }),
      ]);
      return c.json(
        { ...settings, defaultChannels: defaultChannels.map((ch) => ({ id: ch.id, name: ch.name ?? "" })) },
        200,
      );
    })
    .openapi(patch, async (c) => c.json(await doUpdateSettings(services, actorOf(c), c.req.valid("json")), 200))
    .openapi(retention, async (c) => {
      const { retentionDays } = await readSettings(services.sql);
      if (retentionDays === null) return c.json({ retentionDays, cutoff: null, expiredMessages: 0 }, 200);
      const now = new Date();
      const cutoff = cutoffFor(retentionDays, now).toISOString();
      return c.json(
        { retentionDays, cutoff, expiredMessages: await countExpired(services.sql, retentionDays, now) },
        200,
      );
    })
    .openapi(runNow, async (c) => {
      const outcome = await runRetention(services, { runner: services.config.NODE_ID, actor: actorOf(c) });
      if (!outcome.ran && outcome.reason === "off")
        throw conflict("retention_off", "Messages are kept for ever: set a retention first.");
      if (!outcome.ran) return c.json({ status: "already_running" as const }, 202);
      return c.json(outcome.purged, 200);
    });
}
