// What web/dist/index.html loads before anything is lazy (its module script and the chunks it preloads) and
// what is left for later, each gzipped at level 9 as a server would send it. Issue #15's budget for the
// first of these is 150 KB: `bench-bundle.ts` prints and records it, `test/first-paint.test.ts` holds it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

export const FIRST_PAINT_BUDGET_KB = 150;

export interface Chunk {
  file: string;
  /** Gzipped, KB. */
  kb: number;
}

export function firstPaintJs(dist: string): { initial: Chunk[]; total: number; lazy: (Chunk & { raw: number })[] } {
  const html = readFileSync(path.join(dist, "index.html"), "utf8");
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
  if (files.length === 0) throw new Error("web/dist/index.html loads no script: run `vite build` in web/ first");
  const gz = (file: string) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length / 1024;
  const initial = files.map((file) => ({ file, kb: gz(file) }));
  const lazy = readdirSync(path.join(dist, "assets"))
    .filter((f) => f.endsWith(".js") && !files.includes(`assets/${f}`))
    .map((f) => ({
      file: `assets/${f}`,
      kb: gz(`assets/${f}`),
      raw: statSync(path.join(dist, "assets", f)).size / 1024,
    }))
    .sort((a, b) => b.kb - a.kb);
  return { initial, total: initial.reduce((n, r) => n + r.kb, 0), lazy };
}
