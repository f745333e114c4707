// Serves a built single-page app (web client or admin dashboard) under a path prefix, falling back to its
// index.html for client-side routes.
import { existsSync } from "node:fs";
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { MiddlewareHandler } from "hono";

export function staticApp(prefix: string, distDir: string): MiddlewareHandler {
  const indexFile = path.join(distDir, "index.html");
  const files = serveStatic({
    root: distDir,
    rewriteRequestPath: (p) => p.slice(prefix.length - 1) || "/",
  });
  const fallback = serveStatic({ path: indexFile });
  return async function staticAppMiddleware(c, next) {
    if (c.req.path.startsWith("/api/") || c.req.path === "/ws") return next();
    if (!existsSync(indexFile)) {
      return c.text(
        `This app is not built yet: run \`bash ops/start\` (it builds ${path.basename(path.dirname(distDir))}/).`,
        503,
      );
    }
    const served = await files(c, async () => {});
    if (served) return served;
    // Unknown asset paths are 404s; anything else is a client-side route.
    if (path.extname(c.req.path) !== "") return next();
    return fallback(c, next);
  };
}
