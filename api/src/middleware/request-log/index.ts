// One JSON log line per request, tagged with the request id (set by hono/request-id before this runs).
import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";

export function requestLog(logger: Logger): MiddlewareHandler {
  return async function requestLogMiddleware(c, next) {
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const level = c.res.status >= 500 ? "error" : "info";
    logger[level](
      { reqId: c.get("requestId"), method: c.req.method, path: c.req.path, status: c.res.status, ms },
      "request",
    );
  };
}
