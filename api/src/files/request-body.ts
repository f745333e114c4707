// An upload's body as a Node stream and its announced length (the file and avatar uploads).
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Context } from "hono";
import { AppError } from "../errors.js";

/**
 * The body as a Node stream: on @hono/node-server, the request itself (IncomingMessage), read straight
 * from the socket with its backpressure; elsewhere (app.request in tests) the web stream, converted.
 */
export function requestBody(c: Context): Readable {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) return incoming;
  const body = c.req.raw.body;
  if (!body) throw new AppError(400, "empty_file", "The file is empty.");
  return Readable.fromWeb(body as WebReadableStream);
}

export function contentLength(header: string | undefined): number {
  if (header === undefined) throw new AppError(411, "length_required", "Send the file with a Content-Length header.");
  const size = Number(header);
  if (!/^\d+$/.test(header) || !Number.isSafeInteger(size))
    throw new AppError(400, "invalid_request", "Content-Length is not a number of bytes.");
  return size;
}
