// /api/files/avatar (upload my profile picture; the body is the image's bytes) and
// /api/files/avatars/{userId}/{key} (fetch someone's). Who may is asked on every request (avatars.ts).
import { Readable } from "node:stream";
import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../errors.js";
import { errorResponses, json, openApiRouter } from "../lib/openapi.js";
import { requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { doSetAvatar, openAvatar } from "./avatars.js";
import { contentLength, requestBody } from "./request-body.js";
import { FILE_CSP } from "./serve.js";

const tags = ["files"];

const upload = createRoute({
  method: "post",
  path: "/avatar",
  tags,
  summary: "Make an image my profile picture (the body is its bytes; Content-Length required; at most 10 MB)",
  request: {
    body: {
      required: true,
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
    },
  },
  responses: {
    200: json(z.object({ avatarUrl: z.string() }), "It is my avatar now (a 256 px square)"),
    ...errorResponses(400, 401, 403, 413, 429),
    411: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), "No Content-Length"),
  },
});

const fetchAvatar = createRoute({
  method: "get",
  path: "/avatars/{userId}/{key}",
  tags,
  summary: "A person's profile picture (WebP), for whoever may see them in the directory",
  request: { params: z.object({ userId: z.uuid(), key: z.string().regex(/^[0-9a-f]{32}$/) }) },
  responses: {
    200: {
      description: "The picture",
      content: { "image/webp": { schema: z.string().openapi({ format: "binary" }) } },
    },
    304: { description: "Not modified (If-None-Match)" },
    ...errorResponses(400, 401, 404),
  },
});

export function avatarRoutes(services: Services) {
  return openApiRouter()
    .openapi(upload, async (c) => {
      const { user } = requireUser(c);
      const size = contentLength(c.req.header("content-length"));
      if (size === 0) throw new AppError(400, "empty_file", "The file is empty.");
      return c.json(await doSetAvatar(services, user, { size, body: requestBody(c) }), 200);
    })
    .openapi(fetchAvatar, async (c) => {
      const { userId, key } = c.req.valid("param");
      const stream = await openAvatar(services, requireUser(c).user, userId, key);
      // The key changes with every new picture: the ETag never goes stale, and a cache must still ask.
      const headers: Record<string, string> = {
        "Cache-Control": "private, no-cache",
        ETag: `"${key}"`,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": FILE_CSP,
        "Cross-Origin-Resource-Policy": "same-origin",
      };
      if (c.req.header("if-none-match") === headers.ETag) {
        stream.destroy();
        return c.body(null, 304, headers) as never;
      }
      headers["Content-Type"] = "image/webp";
      return c.body(Readable.toWeb(stream) as ReadableStream, 200, headers) as never;
    });
}
