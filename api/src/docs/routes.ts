// /api/docs: Swagger UI over /api/openapi.json, served from the swagger-ui-dist npm package (pinned in
// package.json and bun.lockb), so the page works offline and loads nothing from a CDN. The page has no inline
// script (its start-up is docs.js), so it runs under the same Content-Security-Policy as the apps; the
// assets carry their SHA-384 as Subresource Integrity, read once at start-up.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Hono } from "hono";
import { notFound } from "../errors.js";

const require = createRequire(import.meta.url);
const distDir = path.dirname(require.resolve("swagger-ui-dist/package.json"));
const { version } = require("swagger-ui-dist/package.json") as { version: string };

const START = `window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });\n`;

interface Asset {
  body: Buffer;
  type: string;
  integrity: string;
}

function asset(body: Buffer, type: string): Asset {
  return { body, type, integrity: `sha384-${createHash("sha384").update(body).digest("base64")}` };
}

let loaded: Map<string, Asset> | undefined;

function loadAssets(): Map<string, Asset> {
  const file = (name: string) => readFileSync(path.join(distDir, name));
  loaded ??= new Map([
    ["swagger-ui.css", asset(file("swagger-ui.css"), "text/css; charset=utf-8")],
    ["swagger-ui-bundle.js", asset(file("swagger-ui-bundle.js"), "text/javascript; charset=utf-8")],
    ["favicon-32x32.png", asset(file("favicon-32x32.png"), "image/png")],
    ["docs.js", asset(Buffer.from(START), "text/javascript; charset=utf-8")],
  ]);
  return loaded;
}

export function docsRoutes() {
  const assets = loadAssets();
  const base = `/api/docs/assets/${version}`;
  const sri = (name: string) => assets.get(name)?.integrity ?? "";
  const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Parley API</title>
    <link rel="icon" href="${base}/favicon-32x32.png" />
    <link rel="stylesheet" href="${base}/swagger-ui.css" integrity="${sri("swagger-ui.css")}" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${base}/swagger-ui-bundle.js" integrity="${sri("swagger-ui-bundle.js")}"></script>
    <script src="${base}/docs.js" integrity="${sri("docs.js")}"></script>
  </body>
</html>
`;
  return new Hono()
    .get("/", (c) => c.html(page))
    .get(`/assets/${version}/:name`, (c) => {
      const found = assets.get(c.req.param("name"));
      if (!found) throw notFound("Asset");
      c.header("content-type", found.type);
      // The version is in the path: a new swagger-ui-dist is a new URL.
      c.header("cache-control", "public, max-age=31536000, immutable");
      return c.body(new Uint8Array(found.body));
    });
}
