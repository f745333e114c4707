// What one socket keeps alive: in the newest heap snapshot that `bash ops/bench --quick --profile
// connections` wrote, the size retained by a sample of each per-socket object kind (the bytes that would be
// freed if only that object went away), and per-node objects that grow with the sockets (PresenceCopies:
// a record per user whose presence changed lately; divide by the sockets). Also reads the snapshots of
// socket-heap.ts. Run: cd api && node --max-old-space-size=8000 --import tsx
// bench/probes/socket-retainers.ts [snapshot dir]
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { stateDir } from "../lib/report.js";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const dir = process.argv[2] ?? path.join(stateDir, "profiles", "single-node", "heap");
const file = readdirSync(dir)
  .filter((f) => f.endsWith(".heapsnapshot"))
  .sort()
  .at(-1);
if (!file) throw new Error(`no heap snapshot in ${dir}: run bash ops/bench --quick --profile connections`);
const snap = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Snapshot;
const meta = snap.snapshot.meta;
const W = meta.node_fields.length;
const [TYPE, NAME, SIZE, EDGES] = ["type", "name", "self_size", "edge_count"].map((f) =>
  meta.node_fields.indexOf(f),
) as number[];
const EW = meta.edge_fields.length;
const [ETYPE, ETO] = ["type", "to_node"].map((f) => meta.edge_fields.indexOf(f)) as number[];
const WEAK = meta.edge_types[0].indexOf("weak");
const count = snap.nodes.length / W;
const firstEdge = new Uint32Array(count + 1);
for (let i = 0, e = 0; i < count; i++) {
  firstEdge[i] = e;
  e += (snap.nodes[i * W + (EDGES as number)] as number) * EW;
  firstEdge[i + 1] = e;
}
const kind = (i: number) =>
  `${meta.node_types[0][snap.nodes[i * W + (TYPE as number)] as number]}:${snap.strings[snap.nodes[i * W + (NAME as number)] as number]}`;

/** Nodes reachable from the root (node 0) over strong edges, not passing through `skip`. */
function reachable(skip: number) {
  const seen = new Uint8Array(count);
  const stack = [0];
  seen[0] = 1;
  while (stack.length > 0) {
    const n = stack.pop() as number;
    for (let e = firstEdge[n] as number; e < (firstEdge[n + 1] as number); e += EW) {
      if (snap.edges[e + (ETYPE as number)] === WEAK) continue;
      const to = (snap.edges[e + (ETO as number)] as number) / W;
      if (seen[to] || to === skip) continue;
      seen[to] = 1;
      stack.push(to);
    }
  }
  return seen;
}

const all = reachable(-1);
for (const name of [
  "object:Context",
  "object:Connection",
  "object:WebSocket",
  "object:Socket",
  "object:ChannelCursor",
  "object:PresenceCopies",
]) {
  const instances: number[] = [];
  for (let i = 0; i < count; i++) if (kind(i) === name) instances.push(i);
  const sample = instances[Math.floor(instances.length / 2)];
  if (sample === undefined) continue;
  const without = reachable(sample);
  let retained = 0;
  const parts = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    if (!all[i] || without[i]) continue;
    const size = snap.nodes[i * W + (SIZE as number)] as number;
    retained += size;
    const k = kind(i).slice(0, 48);
    parts.set(k, (parts.get(k) ?? 0) + size);
  }
  const top = [...parts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  console.log(`${name} (×${instances.length}): retains ${retained} bytes — ${top}`);
}
