// The first-paint JavaScript budget of the signed-in chat route (issue #15: ≤ 150 KB gzipped): what
// web/dist/index.html loads before anything is lazy — its module script and the chunks it preloads —
// gzipped at level 9, as a server would send it. Lazy chunks (emoji data, Firebase) are listed apart.
// Run after `vite build`, from api/ (which has tsx): `node --import tsx ../web/scripts/bench-bundle.ts`;
// it prints the table and writes its section of BENCHMARKS.md.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const dist = path.join(import.meta.dirname, "..", "dist");
const BUDGET_KB = 150;
const html = readFileSync(path.join(dist, "index.html"), "utf8");
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
if (initial.length === 0) throw new Error("web/dist/index.html loads no script: run `vite build` in web/ first");
const gz = (file: string) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length / 1024;
const rows = initial.map((f) => ({ file: f, kb: gz(f) }));
const total = rows.reduce((n, r) => n + r.kb, 0);
const lazy = readdirSync(path.join(dist, "assets"))
  .filter((f) => f.endsWith(".js") && !initial.includes(`assets/${f}`))
  .map((f) => ({ file: `assets/${f}`, kb: gz(`assets/${f}`), raw: statSync(path.join(dist, "assets", f)).size / 1024 }))
  .sort((a, b) => b.kb - a.kb);

const fmt = (n: number) => n.toFixed(1);
const lines = [
  "<!-- bench-web-bundle:start -->",
  "## Web client: first-paint JavaScript (`web/scripts/bench-bundle.ts`)",
  "",
  `What \`web/dist/index.html\` loads before anything lazy, gzipped (level 9). Budget ≤ ${BUDGET_KB} KB: ${total <= BUDGET_KB ? "met" : "NOT met"}. Run ${new Date().toISOString().slice(0, 10)}.`,
  "",
  "| chunk | gzipped KB | loaded |",
  "| ----- | ---------: | ------ |",
  ...rows.map((r) => `| \`${r.file.replace(/-[\w-]{8}\.js$/, ".js")}\` | ${fmt(r.kb)} | at first paint |`),
  `| **total at first paint** | **${fmt(total)}** | |`,
  ...lazy.map((r) => `| \`${r.file.replace(/-[\w-]{8}\.js$/, ".js")}\` | ${fmt(r.kb)} | lazily |`),
  "",
  "Switching channels and scrolling 10,000 messages: the next section (`web/scripts/bench-ui.ts`).",
  "<!-- bench-web-bundle:end -->",
];
console.log(lines.join("\n"));
const file = path.join(import.meta.dirname, "..", "..", "BENCHMARKS.md");
const doc = readFileSync(file, "utf8");
const section = lines.join("\n");
const re = /<!-- bench-web-bundle:start -->[\s\S]*?<!-- bench-web-bundle:end -->/;
writeFileSync(file, re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`);
