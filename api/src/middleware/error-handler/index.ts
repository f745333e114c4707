// Maps every error to { error: { code, message, details? } }. Unknown errors are logged with the request
// id and become a 500 that reveals nothing about internals.
import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { AppError } from "../../errors.js";
import { isStoreUnavailable, storeUnavailable } from "../../lib/store-unavailable.js";

export function errorHandler(logger: Logger): ErrorHandler {
  return function handleError(caught, c) {
    // PostgreSQL out of reach: 503 `unavailable` with Retry-After (lib/store-unavailable.ts), logged once.
    const unavailable = !(caught instanceof AppError) && isStoreUnavailable(caught);
    if (unavailable) logger.warn({ err: caught, reqId: c.get("requestId") }, "database unavailable");
    const err = unavailable ? storeUnavailable() : caught;
    if (err instanceof AppError) {
      for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
      return c.json(err.toBody(), err.status);
    }
    if (err instanceof HTTPException) {
      const code = err.status === 413 ? "too_large" : err.status === 400 ? "bad_request" : "http_error";
      return c.json({ error: { code, message: err.message || "Request rejected." } }, err.status);
    }
    const reqId = c.get("requestId");
    logger.error({ err, reqId }, "unhandled error");
    return c.json({ error: { code: "internal", message: `Something went wrong (request ${reqId}).` } }, 500);
  };
}

export const notFoundHandler: NotFoundHandler = (c) =>
  c.json({ error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}.` } }, 404);
