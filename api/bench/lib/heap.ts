// Where a socket's memory goes: V8 heap snapshots of the API node (started with --heapsnapshot-signal)
// before and after the ramp, diffed by object kind, divided by the sockets added.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { NodeProcess } from "./processes.js";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Signals the node to write a snapshot and waits until it answers again (the write blocks its thread). */
export async function takeHeapSnapshot(node: NodeProcess, dir: string): Promise<string | undefined> {
  const before = new Set(existsSync(dir) ? readdirSync(dir) : []);
  node.child.kill("SIGUSR2");
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    const ok = await fetch(`${node.url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    const file = (existsSync(dir) ? readdirSync(dir) : []).find((f) => f.endsWith(".heapsnapshot") && !before.has(f));
    if (ok && file && statSync(path.join(dir, file)).size > 0) return path.join(dir, file);
  }
  return undefined;
}

/** Self size and count per object kind ("type:constructor"). */
function aggregate(file: string) {
  const snap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] as number] as string;
    const name = type === "object" || type === "closure" ? snap.strings[snap.nodes[i + nameAt] as number] : "";
    const key = name ? `${type}:${name.slice(0, 60)}` : `(${type})`;
    const entry = out.get(key) ?? { size: 0, count: 0 };
    entry.size += snap.nodes[i + sizeAt] as number;
    entry.count++;
    out.set(key, entry);
  }
  return out;
}

export interface HeapDiff {
  perSocketBytes: number;
  top: { kind: string; bytesPerSocket: number; countPerSocket: number }[];
}

export function diffHeap(beforeFile: string, afterFile: string, sockets: number, top = 15): HeapDiff {
  const before = aggregate(beforeFile);
  const after = aggregate(afterFile);
  const rows = [...after].map(([kind, a]) => {
    const b = before.get(kind) ?? { size: 0, count: 0 };
    return { kind, bytes: a.size - b.size, count: a.count - b.count };
  });
  const total = rows.reduce((sum, r) => sum + r.bytes, 0);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    perSocketBytes: Math.round(total / sockets),
    top: rows
      .sort((x, y) => y.bytes - x.bytes)
      .slice(0, top)
      .map((r) => ({
        kind: r.kind,
        bytesPerSocket: round(r.bytes / sockets),
        countPerSocket: round(r.count / sockets),
      })),
  };
}
