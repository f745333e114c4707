// API nodes and the persister as real processes, like test/support/processes.ts, but with node flags
// (--cpu-prof for profiles) and /proc sampling (RSS, CPU time, open descriptors) of each.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "../../test/support/processes.js";

const apiDir = path.resolve(import.meta.dirname, "..", "..");
const TICKS_PER_SECOND = 100; // CLK_TCK on Linux

export interface Usage {
  rssBytes: number;
  /** User + system CPU time, in seconds. */
  cpuSeconds: number;
  fds: number;
}

/** RSS, CPU time and descriptor count of a process, from /proc. */
export function usageOf(pid: number): Usage {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  return { rssBytes: rssKb * 1024, cpuSeconds: ticks / TICKS_PER_SECOND, fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** A process and its children (an API node's workers with API_PROCESSES > 1), from /proc. */
export function familyOf(pid: number): number[] {
  const children = readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
  return [pid, ...children];
}

/** The main thread's profile among those a process wrote (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile). */
export function mainThreadProfile(dir: string): string | undefined {
  try {
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile") && f.split(".")[4] === "0");
    return file ? path.join(dir, file) : undefined;
  } catch {
    return undefined;
  }
}

export interface NodeProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  url: string;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs` (a node profiling 20,000 sockets needs long to shut down). */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  entry: "src/main.ts" | "src/persister/main.ts" | "src/notifications/main.ts" | "bench/peer/server.ts";
  env: Record<string, string>;
  /** Directory for a V8 CPU profile written at exit; none when unset. */
  profileDir?: string | undefined;
  readyText: string;
  port?: number;
  /** More node flags (e.g. --heapsnapshot-signal). */
  nodeArgs?: string[];
  /** Node's default heap limit, as an operator runs it, instead of the suite's 8 GB. */
  defaultHeap?: boolean;
  /** The production bundle (api/dist, scripts/build.ts) under plain node, as an operator runs it, instead
   * of the sources through tsx; a string names another bundle directory under api/ (an A/B of two builds,
   * `scripts/build.ts <dir>`). */
  built?: boolean | string;
}

/** Each entry's file in the production bundle. */
const BUILT_ENTRIES: Partial<Record<SpawnOptions["entry"], string>> = {
  "src/main.ts": "dist/main.js",
  "src/persister/main.ts": "dist/persister.js",
  "src/notifications/main.ts": "dist/notifier.js",
};

/** The node flags and script that run `opts.entry` from sources (tsx) or from the bundle. */
function entryOf(opts: SpawnOptions): string[] {
  if (!opts.built) return ["--import", "tsx", opts.entry];
  const entry = BUILT_ENTRIES[opts.entry];
  if (!entry) throw new Error(`${opts.entry} has no built bundle`);
  const file = typeof opts.built === "string" ? entry.replace(/^dist\//, `${opts.built}/`) : entry;
  if (!existsSync(path.join(apiDir, file)))
    throw new Error(`api/${file} is missing: build it first (node_modules/.bin/turbo run build --filter=api)`);
  return [file];
}

export async function spawnNode(opts: SpawnOptions, timeoutMs = 120_000): Promise<NodeProcess> {
  const heap = opts.defaultHeap ? [] : ["--max-old-space-size=8192"];
  const nodeArgs = [...heap, ...(opts.nodeArgs ?? [])];
  // Default file names: every thread (tsx runs its loader in a worker) writes its own profile.
  if (opts.profileDir) nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${path.join(opts.profileDir, opts.name)}`);
  const child = spawn(process.execPath, [...nodeArgs, ...entryOf(opts)], {
    cwd: apiDir,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const handle: NodeProcess = {
    name: opts.name,
    child,
    pid: child.pid ?? 0,
    url: opts.port ? `http://127.0.0.1:${opts.port}` : "",
    output: () => output,
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${opts.name} not ready after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const check = () => {
      if (!output.includes(opts.readyText)) return;
      clearTimeout(timer);
      child.stdout?.off("data", check);
      resolve();
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited with ${code} before it was ready:\n${output}`));
    });
  });
  return handle;
}

/** How a node is run, beside its env: see SpawnOptions. */
export type NodeRunOptions = Pick<SpawnOptions, "profileDir" | "nodeArgs" | "defaultHeap" | "built">;

export async function startApiNode(name: string, env: Record<string, string>, run: NodeRunOptions = {}) {
  const port = await freePort();
  return spawnNode({
    ...run,
    name,
    entry: "src/main.ts",
    env: { ...env, NODE_ID: name, HOST: "127.0.0.1", PORT: String(port) },
    readyText: "Parley is running",
    port,
  });
}

export function startPersisterNode(env: Record<string, string>, run: NodeRunOptions = {}) {
  return spawnNode({
    ...run,
    name: "persister",
    entry: "src/persister/main.ts",
    env: { ...env, NODE_ID: "persister" },
    readyText: "persister ready",
  });
}

/** The standalone notifier (`bash ops/notifier`), serving its /metrics on `metricsPort`. */
export function startNotifierNode(env: Record<string, string>, metricsPort: number, profileDir?: string) {
  return spawnNode({
    name: "notifier",
    entry: "src/notifications/main.ts",
    env: { ...env, NODE_ID: "notifier", NOTIFIER_METRICS_PORT: String(metricsPort) },
    profileDir,
    readyText: "notifier ready",
    port: metricsPort,
  });
}
