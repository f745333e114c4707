// Sending a file's bytes back. The original is always a download (Content-Disposition: attachment) with
// its sniffed type; renditions are WebP that sharp wrote. Every answer forbids sniffing and scripts (a CSP
// with `sandbox`), so nothing uploaded can run as a page of ours, whatever its bytes. Caches must ask
// again every time (private, no-cache): a revoked member gets no copy from a cache; the ETag (ids are
// immutable) saves sending the bytes again to one who may.
import { Readable } from "node:stream";
import type { Context } from "hono";
import { notFound } from "../errors.js";
import type { FileRow } from "./access.js";
import type { Rendition } from "./images.js";
import type { FileStorage } from "./storage.js";

export const FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

/** RFC 6266: an ASCII fallback and the exact name in UTF-8. */
export function contentDisposition(kind: "attachment" | "inline", name: string) {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function serveFile(c: Context, storage: FileStorage, file: FileRow, rendition: Rendition | null) {
  if (rendition && file.kind !== "image") throw notFound("Preview");
  const etag = `"${file.id}${rendition ? `-${rendition}` : ""}"`;
  const headers: Record<string, string> = {
    "Cache-Control": "private, no-cache",
    ETag: etag,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": FILE_CSP,
    "Cross-Origin-Resource-Policy": "same-origin",
  };
  if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
  const key = rendition ? `${file.storageKey}.${rendition}` : file.storageKey;
  const stream = await storage.get(key);
  if (!stream) throw notFound("File");
  const name = rendition ? `${file.name.replace(/\.[^.]*$/, "")}.${rendition}.webp` : file.name;
  Object.assign(headers, {
    "Content-Type": rendition ? "image/webp" : file.mime,
    "Content-Disposition": contentDisposition(rendition ? "inline" : "attachment", name),
  });
  if (!rendition) headers["Content-Length"] = String(file.size);
  return c.body(Readable.toWeb(stream) as ReadableStream, 200, headers);
}
