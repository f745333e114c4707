// What a fresh node's memory is made of, by import: each line is a new plain `node` process (no tsx) that
// imports one package, or Prisma's generated client, or the API's whole module graph (src/main.ts's imports
// without starting it), waits for start-up garbage to settle and reports its memory; "bare node" imports
// nothing. Our own modules are bundled first by esbuild as scripts/build.ts does (packages external), into
// a temporary directory under api/ so that Node resolves the packages from api/node_modules. The lines do
// not add up (packages share dependencies and Node's own baseline): read each one minus bare node.
// With DATABASE_URL (a migrated database), one more line: Prisma's client after its first query.
// Run: cd api && [DATABASE_URL=…] node --import tsx bench/probes/import-rss.ts [settle seconds]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";

const settleMs = Number(process.argv[2] ?? 3) * 1000;
const apiDir = path.resolve(import.meta.dirname, "..", "..");
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** Imports `specifiers` in a fresh plain node, from api/, and returns its process.memoryUsage(). */
function measure(specifiers: string[]): NodeJS.MemoryUsage {
  const imports = specifiers.map((s) => `await import(${JSON.stringify(s)});`).join(" ");
  const script = `${imports} await new Promise((r) => setTimeout(r, ${settleMs}));
    console.log(JSON.stringify(process.memoryUsage()));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: apiDir, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1) as string) as NodeJS.MemoryUsage;
}

const outdir = mkdtempSync(path.join(apiDir, ".import-rss-"));
try {
  await build({
    absWorkingDir: apiDir,
    entryPoints: {
      "prisma-client": "src/lib/prisma.ts",
      "app-graph": "bench/probes/import-rss-graph.ts",
      "prisma-query": "bench/probes/import-rss-prisma-query.ts",
    },
    outdir,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20.19",
    logLevel: "warning",
    plugins: [
      {
        name: "packages-external-but-sfu",
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("sfu/") ? undefined : { external: true }));
        },
      },
    ],
  });
  const local = (name: string) => `./${path.relative(apiDir, path.join(outdir, `${name}.js`))}`;
  const subjects: [label: string, specifiers: string[]][] = [
    ["bare node", []],
    ["hono, @hono/node-server, @hono/node-ws", ["hono", "@hono/node-server", "@hono/node-ws"]],
    ["zod, @hono/zod-openapi", ["zod", "@hono/zod-openapi"]],
    ["pino", ["pino"]],
    ["pg", ["pg"]],
    ["ioredis", ["ioredis"]],
    ["kafkajs", ["kafkajs"]],
    ["prom-client", ["prom-client"]],
    ["@node-rs/argon2", ["@node-rs/argon2"]],
    ["Prisma's generated client + adapter-pg (src/lib/prisma.ts)", [local("prisma-client")]],
    ["the API's whole module graph, not started", [local("app-graph")]],
  ];
  if (process.env.DATABASE_URL)
    subjects.splice(-1, 0, ["the same after one query (WebAssembly query compiler loaded)", [local("prisma-query")]]);
  const load = os.loadavg().map((l) => l.toFixed(2));
  console.log(`load ${load.join("/")}; settle ${settleMs / 1000} s`);
  console.log("imported | RSS MB | heap used MB | heap total MB | external MB");
  for (const [label, specifiers] of subjects) {
    const m = measure(specifiers);
    console.log(`${label} | ${mb(m.rss)} | ${mb(m.heapUsed)} | ${mb(m.heapTotal)} | ${mb(m.external)}`);
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
