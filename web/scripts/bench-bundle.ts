// The first-paint JavaScript budget of the signed-in chat route (issue #15: ≤ 150 KB gzipped), measured by
// first-paint.ts: what web/dist/index.html loads before anything is lazy. Lazy chunks (emoji data, Firebase,
// mediasoup-client) are listed apart.
// Run after `vite build`, from api/ (which has tsx): `node --import tsx ../web/scripts/bench-bundle.ts`;
// it prints the table and writes its section of BENCHMARKS.md.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { FIRST_PAINT_BUDGET_KB as BUDGET_KB, firstPaintJs } from "./first-paint.js";

const dist = path.join(import.meta.dirname, "..", "dist");
const { initial: rows, total, lazy } = firstPaintJs(dist);

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
