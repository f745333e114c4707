// CSRF defence on the server, whatever the content type. hono/csrf checks only the "simple" content types
// a form can send and leaves JSON to the browser's CORS preflight; this checks every state-changing
// request: one that names a foreign Origin is refused, and one that rides on the session cookie must come
// from an allowed Origin (or, where a browser sent no Origin, be marked Sec-Fetch-Site: same-origin).
// Requests authenticated by a bearer token carry no ambient credential, so without an Origin they pass.
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { AppError } from "../../errors.js";

const SAFE_METHOD = /^(GET|HEAD|OPTIONS)$/;

export function originCheck(allowedOrigins: string[], sessionCookie: string): MiddlewareHandler {
  const allowed = new Set(allowedOrigins);
  return async function originCheck(c, next) {
    if (!SAFE_METHOD.test(c.req.method)) {
      const origin = c.req.header("origin");
      if (origin !== undefined && !allowed.has(origin))
        throw new AppError(403, "bad_origin", `Requests from ${origin} may not change anything here.`);
      const withCookie = getCookie(c, sessionCookie) !== undefined;
      if (origin === undefined && withCookie && c.req.header("sec-fetch-site") !== "same-origin")
        throw new AppError(403, "bad_origin", "A request signed in by cookie must say where it comes from (Origin).");
    }
    await next();
  };
}
