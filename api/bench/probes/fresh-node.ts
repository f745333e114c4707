// A fresh API node's memory, from the sources through tsx vs from the production bundle (api/dist) under
// plain node: the `memory` scenario's first figure alone, without its 20,000 sockets. Each round starts one
// node of each kind in turn (the order alternates), on the same PostgreSQL database, Redis and Kafka, with
// the memory scenario's flags (Node's default heap, --inspect to read process.memoryUsage() inside), waits
// `settle` seconds after ready, reads RSS and threads from /proc and the heap split from the node, stops it.
// Run: cd api && node --import tsx bench/probes/fresh-node.ts [rounds] [settle seconds] [kinds...]
// (services up: bash ops/services up; the bundle built: node_modules/.bin/turbo run build --filter=api).
// Kinds default to `tsx bundle`; another bundle directory under api/ is named by itself, e.g. an A/B of two
// builds: `node --import tsx scripts/build.ts dist-before` on the old commit, then `… 3 15 dist-before dist`.
import { readFileSync } from "node:fs";
import os from "node:os";
import { Inspector } from "../lib/inspector.js";
import { startApiNode } from "../lib/processes.js";
import { cleanupRun, createStack } from "../lib/stack.js";

const rounds = Number(process.argv[2] ?? 3);
const settleMs = Number(process.argv[3] ?? 15) * 1000;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join("/");
const threadsOf = (pid: number) =>
  Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;

/** "tsx": the sources through tsx; "bundle": api/dist; anything else: that bundle directory under api/. */
const kinds = process.argv.length > 4 ? process.argv.slice(4) : ["tsx", "bundle"];
const rss: Record<string, number[]> = Object.fromEntries(kinds.map((kind) => [kind, []]));
const builtOf = (kind: string) => (kind === "tsx" ? false : kind === "bundle" ? true : kind);

const width = Math.max(6, ...kinds.map((kind) => kind.length));

const stack = await createStack("probe-fresh-node");
try {
  console.log(
    `${"kind".padEnd(width)} | round | RSS MB | heap used | heap free | external | native+code | threads | load`,
  );
  for (let round = 1; round <= rounds; round++) {
    // The order alternates, so neither kind always starts on the machine the other just left.
    const order = round % 2 === 1 ? kinds : [...kinds].reverse();
    for (const kind of order) {
      const node = await startApiNode(`fresh-${kind}-${round}`, stack.env, {
        nodeArgs: ["--inspect=127.0.0.1:0"],
        defaultHeap: true,
        built: builtOf(kind),
      });
      try {
        await new Promise((r) => setTimeout(r, settleMs));
        const inspector = await Inspector.attach(node);
        const bytes = rssOf(node.pid);
        const m = await inspector.memory();
        inspector.close();
        rss[kind]?.push(bytes);
        console.log(
          [
            kind.padEnd(width),
            String(round).padStart(5),
            mb(bytes).padStart(6),
            mb(m.heapUsed).padStart(9),
            mb(m.heapTotal - m.heapUsed).padStart(9),
            mb(m.external).padStart(8),
            mb(bytes - m.heapTotal - m.external).padStart(11),
            String(threadsOf(node.pid)).padStart(7),
            load(),
          ].join(" | "),
        );
      } finally {
        await node.stop();
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  console.log(
    `median RSS: ${kinds.map((kind) => `${kind} ${mb(median(rss[kind] ?? []))} MB`).join(", ")} ` +
      `(${rounds} rounds, ${settleMs / 1000} s after ready; load ${load()} at the end)`,
  );
} finally {
  await stack.cleanup();
  await cleanupRun();
}
