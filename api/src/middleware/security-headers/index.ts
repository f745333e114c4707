// Security headers on every response (hono/secure-headers), with a Content-Security-Policy that the web
// client, the admin dashboard and /api/docs satisfy: scripts, styles and fonts only from this origin (the
// Vite builds and the docs page have no inline script or style), sockets to our own origins, no plugins,
// no framing (clickjacking), forms and <base> only to ourselves. Avatars are any https URL, so images
// may come from https: too. A violation is a bug: web/test/csp.test.ts loads each page in Chromium and
// fails on any.
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** ws:// or wss:// for each allowed http(s) origin: the socket's URL is not covered by 'self' everywhere. */
const socketOrigins = (origins: string[]) => origins.map((origin) => origin.replace(/^http/, "ws"));

/** `connectTo`: other origins pages may call (Google's FCM registration, when a Firebase web config is set). */
export function securityHeaders(allowedOrigins: string[], connectTo: string[] = []): MiddlewareHandler {
  const self = "'self'";
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: [self],
      scriptSrc: [self],
      styleSrc: [self],
      imgSrc: [self, "data:", "blob:", "https:"],
      fontSrc: [self, "data:"],
      connectSrc: [self, ...socketOrigins(allowedOrigins), ...connectTo],
      mediaSrc: [self, "blob:"],
      workerSrc: [self],
      manifestSrc: [self],
      objectSrc: ["'none'"],
      baseUri: [self],
      formAction: [self],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: "DENY",
    // A route that sets its own policy keeps it (files/serve.ts: uploaded bytes get a stricter one).
    overwrite: false,
    referrerPolicy: "strict-origin-when-cross-origin",
  });
}
