// /api/files: upload (the body is the file's bytes, streamed), fetch a file or its renditions, take back an
// upload not sent yet, list a channel's files (its Files tab, search by name) and the limits.
// Validate → action → respond; who may is asked on every request (access.ts).
import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../errors.js";
import { errorResponses, json, openApiRouter } from "../lib/openapi.js";
import { userText } from "../lib/user-text.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { checkCanFetch } from "./access.js";
import { doRemovePending } from "./actions.js";
import { fileLimits, usedBytes } from "./limits.js";
import { listChannelFiles } from "./queries.js";
import { contentLength, requestBody } from "./request-body.js";
import { AttachmentSchema, ChannelFileSchema, FileNameSchema } from "./schemas.js";
import { serveFile } from "./serve.js";
import { doUpload } from "./upload.js";

const tags = ["files"];
const id = z.object({ id: z.uuid() });
const binary = (description: string) => ({
  description,
  content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
});

const upload = createRoute({
  method: "post",
  path: "/",
  tags,
  summary:
    "Upload a file to a channel (the body is the file's bytes; Content-Length required); send it with sendMessage",
  request: {
    query: z.object({ channelId: z.uuid(), name: FileNameSchema }),
    body: {
      required: true,
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
    },
  },
  responses: {
    201: json(z.object({ file: AttachmentSchema }), "Stored; attach its id to a message"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 429),
    411: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), "No Content-Length"),
  },
});

const limits = createRoute({
  method: "get",
  path: "/limits",
  tags,
  summary: "How large a file may be, and how much of the workspace's storage is used",
  responses: {
    200: json(z.object({ maxBytes: z.int(), quotaBytes: z.number(), usedBytes: z.number() }), "The limits"),
    ...errorResponses(401, 403),
  },
});

const list = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "A channel's files, newest first; `q` finds them by name",
  request: {
    query: z.object({
      channelId: z.uuid(),
      q: userText("line", { max: 100 }).optional(),
      before: z.iso.datetime().optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
  },
  responses: {
    200: json(z.object({ files: z.array(ChannelFileSchema), hasMore: z.boolean() }), "One page"),
    ...errorResponses(400, 401, 403, 404),
  },
});

const fetchRoute = (path: string, summary: string) =>
  createRoute({
    method: "get",
    path,
    tags,
    summary,
    request: { params: id },
    responses: {
      200: binary("The bytes"),
      304: { description: "Not modified (If-None-Match)" },
      ...errorResponses(401, 403, 404),
    },
  });
const download = fetchRoute("/{id}", "Download a file (always as an attachment, with its sniffed type)");
const thumb = fetchRoute("/{id}/thumb", "An image's thumbnail (WebP, metadata stripped)");
const preview = fetchRoute("/{id}/preview", "An image's large preview for the lightbox (WebP, metadata stripped)");

const remove = createRoute({
  method: "delete",
  path: "/{id}",
  tags,
  summary: "Take back my upload before it is sent (a sent file goes with its message)",
  request: { params: id },
  responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404) },
});

export function fileRoutes(services: Services) {
  const { db, sql, storage } = services;
  return openApiRouter()
    .openapi(upload, async (c) => {
      const { user } = requireUser(c);
      const { channelId, name } = c.req.valid("query");
      const size = contentLength(c.req.header("content-length"));
      if (size === 0) throw new AppError(400, "empty_file", "The file is empty.");
      const file = await doUpload(services, user, { channelId, name, size, body: requestBody(c) });
      return c.json({ file }, 201);
    })
    .openapi(limits, async (c) => {
      requireUser(c);
      const [l, used] = await Promise.all([fileLimits(db), usedBytes(sql)]);
      return c.json({ ...l, usedBytes: used }, 200);
    })
    .openapi(list, async (c) => {
      const { user } = requireUser(c);
      const { channelId, ...page } = c.req.valid("query");
      return c.json(await listChannelFiles(db, sql, user, channelId, page), 200);
    })
    .openapi(download, async (c) => {
      const file = await checkCanFetch(db, sql, requireUser(c).user, c.req.valid("param").id);
      return serveFile(c, storage, file, null) as never;
    })
    .openapi(thumb, async (c) => {
      const file = await checkCanFetch(db, sql, requireUser(c).user, c.req.valid("param").id);
      return serveFile(c, storage, file, "thumb") as never;
    })
    .openapi(preview, async (c) => {
      const file = await checkCanFetch(db, sql, requireUser(c).user, c.req.valid("param").id);
      return serveFile(c, storage, file, "preview") as never;
    })
    .openapi(remove, async (c) => {
      await doRemovePending(services, requireUser(c).user, c.req.valid("param").id);
      return c.body(null, 204);
    });
}

/** The upload route reads its body as a stream, under its own limits (the app's 64 KiB body limit skips it). */
export const isUploadRequest = (method: string, path: string) =>
  method === "POST" && /^\/api\/files(\/avatar)?\/?$/.test(path);
