// Summarizes a V8 .cpuprofile (written by `node --cpu-prof` at exit): self time per function and per
// area (our source files, each package, node internals, GC), so a missed target points at a cause.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ProfileSummary } from "./report.js";

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  // Prisma 6's client engine plans queries in WebAssembly; V8 names wasm modules by a hash.
  if (/^[0-9a-f]{8}$/.test(url) || fn.startsWith("wasm-function")) return "wasm (Prisma query compiler)";
  const pkg = /node_modules\/(?:\.bun\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith("node:")) return "node internals";
  const src = /\/api\/(src\/.*)$/.exec(url);
  return src ? (src[1] as string) : path.basename(url);
}

function frameName(url: string, fn: string, line: number) {
  // tsx's transpiled sources report line 1 for everything: name our own files without a line.
  const ours = url.includes("/api/src/");
  const where = url ? `${area(url, fn)}${ours ? "" : `/${path.basename(url)}:${line + 1}`}` : "";
  return `${fn || "(anonymous)"}${where ? ` ${where}` : ""}`;
}

/** Monotonic clock in µs, the clock V8 stamps profile samples with (CLOCK_MONOTONIC, machine-wide). */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Self time per function and per area. With `window` ([from, to] in monotonicUs()), only samples taken in
 * it count, so start-up (module loading) and set-up do not drown the measured load.
 */
export function summarizeProfile(file: string, window?: [number, number], top = 15): ProfileSummary | null {
  if (!existsSync(file)) return null;
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  // Self time: each sample is charged to the node it landed in, with the time until the next sample.
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (window && (at < window[0] || at > window[1])) continue;
    const id = samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const byFrame = new Map<string, number>();
  const byArea = new Map<string, number>();
  let idle = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idle += us;
      continue;
    }
    const key = frameName(url, functionName, lineNumber);
    byFrame.set(key, (byFrame.get(key) ?? 0) + us);
    const a = area(url, functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const busy = total - idle || 1;
  // Inclusive time of our own functions: each sample counts once for every src/ frame on its stack.
  // Work resumed after an `await` runs without its caller on the stack, so this is a lower bound.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame?.url.includes("/api/src/")) continue;
      const key = frameName(frame.url, frame.functionName, frame.lineNumber);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const pct = (us: number) => Math.round((us / busy) * 1000) / 10;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    file,
    sampledSeconds: Math.round((busy / 1e6) * 10) / 10,
    top: sorted(byFrame).map(([frame, us]) => ({ selfPct: pct(us), frame })),
    byArea: sorted(byArea).map(([a, us]) => ({ selfPct: pct(us), area: a })),
    ours: sorted(inclusive).map(([frame, us]) => ({ totalPct: pct(us), frame })),
  };
}

export function printProfile(name: string, summary: ProfileSummary) {
  console.log(`\n  CPU profile of ${name}: ${summary.sampledSeconds} s busy (percent of busy time, self)`);
  console.log("    by area:");
  for (const a of summary.byArea.slice(0, 10)) console.log(`      ${String(a.selfPct).padStart(5)}%  ${a.area}`);
  console.log("    top functions:");
  for (const f of summary.top) console.log(`      ${String(f.selfPct).padStart(5)}%  ${f.frame}`);
  console.log("    our code, inclusive (synchronous part):");
  for (const f of summary.ours.slice(0, 10)) console.log(`      ${String(f.totalPct).padStart(5)}%  ${f.frame}`);
}
