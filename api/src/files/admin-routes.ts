// /api/admin/files: the file limits, storage used per user, the workspace's files, and deleting any of them
// (audited). Mounted behind adminOnly (admin/routes.ts).
import { createRoute, z } from "@hono/zod-openapi";
import { actorOf } from "../admin/guard.js";
import { recordAudit } from "../audit/record.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { userText } from "../lib/user-text.js";
import type { Services } from "../services.js";
import { doAdminDeleteFile } from "./actions.js";
import { fileLimits, MAX_FILE_BYTES_LIMIT, usedBytes } from "./limits.js";
import { listAllFiles, usageByUser } from "./queries.js";

const tags = ["admin"];
const errors = errorResponses(400, 401, 403);

const UsageSchema = z
  .object({
    maxBytes: z.int(),
    quotaBytes: z.number(),
    usedBytes: z.number(),
    users: z.array(
      z.object({ userId: z.uuid(), displayName: z.string(), email: z.string(), files: z.int(), bytes: z.number() }),
    ),
  })
  .openapi("FileUsage");

const AdminFileSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    size: z.int(),
    mime: z.string(),
    kind: z.string(),
    channelId: z.uuid(),
    channelName: z.string().nullable(),
    uploaderId: z.uuid(),
    uploaderName: z.string(),
    sent: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .openapi("AdminFile");

const usage = createRoute({
  method: "get",
  path: "/usage",
  tags,
  summary: "File limits and storage used, in total and per user (largest first)",
  responses: { 200: json(UsageSchema, "Usage"), ...errors },
});

const settings = createRoute({
  method: "patch",
  path: "/settings",
  tags,
  summary: "Set the largest file one upload may be, and the workspace's quota (audited)",
  request: jsonBody(
    z
      .strictObject({
        maxBytes: z.int().min(1024).max(MAX_FILE_BYTES_LIMIT).optional(),
        quotaBytes: z
          .int()
          .min(1024 * 1024)
          .max(Number.MAX_SAFE_INTEGER)
          .optional(),
      })
      .refine((b) => b.maxBytes !== undefined || b.quotaBytes !== undefined, "maxBytes or quotaBytes"),
  ),
  responses: {
    200: json(z.object({ maxBytes: z.int(), quotaBytes: z.number() }), "The limits as they now are"),
    ...errors,
  },
});

const list = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "The workspace's files, newest first, by name (`q`) or uploader",
  request: {
    query: z.object({
      q: userText("line", { max: 100 }).optional(),
      userId: z.uuid().optional(),
      limit: z.coerce.number().int().min(1).max(200).default(100),
    }),
  },
  responses: { 200: json(z.object({ files: z.array(AdminFileSchema) }), "The files"), ...errors },
});

const remove = createRoute({
  method: "delete",
  path: "/{id}",
  tags,
  summary: "Delete any file (it stops being served at once; the audit log records it)",
  request: {
    params: z.object({ id: z.uuid() }),
    query: z.object({ reason: userText("line", { max: 500 }).optional() }),
  },
  responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
});

export function adminFileRoutes(services: Services) {
  const { db, sql } = services;
  return openApiRouter()
    .openapi(usage, async (c) => {
      const [limits, used, users] = await Promise.all([fileLimits(db), usedBytes(sql), usageByUser(sql)]);
      return c.json({ ...limits, usedBytes: used, users }, 200);
    })
    .openapi(settings, async (c) => {
      const actor = actorOf(c);
      const edit = c.req.valid("json");
      const after = await db.$transaction(async (tx) => {
        const before = await tx.workspace.findFirstOrThrow({
          select: { id: true, fileMaxBytes: true, fileQuotaBytes: true },
        });
        const row = await tx.workspace.update({
          where: { id: before.id },
          data: {
            ...(edit.maxBytes === undefined ? {} : { fileMaxBytes: edit.maxBytes }),
            ...(edit.quotaBytes === undefined ? {} : { fileQuotaBytes: BigInt(edit.quotaBytes) }),
          },
        });
        await recordAudit(tx, {
          actorId: actor.id,
          action: "workspace.file_settings_changed",
          targetType: "workspace",
          targetId: before.id,
          ip: actor.ip,
          details: {
            before: { maxBytes: before.fileMaxBytes, quotaBytes: Number(before.fileQuotaBytes) },
            after: { maxBytes: row.fileMaxBytes, quotaBytes: Number(row.fileQuotaBytes) },
          },
        });
        return { maxBytes: row.fileMaxBytes, quotaBytes: Number(row.fileQuotaBytes) };
      });
      return c.json(after, 200);
    })
    .openapi(list, async (c) => c.json({ files: await listAllFiles(sql, c.req.valid("query")) }, 200))
    .openapi(remove, async (c) => {
      await doAdminDeleteFile(services, actorOf(c), c.req.valid("param").id, c.req.valid("query").reason);
      return c.body(null, 204);
    });
}
