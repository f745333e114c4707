// Real API and persister processes for tests: spawned with their own env, awaited until ready, killed
// (politely or with SIGKILL) at the end.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "sfu/test-support/ports";

const apiDir = path.resolve(import.meta.dirname, "..", "..");

// Ports outside the range the kernel hands to outgoing connections (see sfu/test/support/ports.ts).
export { freePort };

/** True while `pid` runs (a zombie, which signal 0 still reaches, counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8")
      .replace(/^.*\) /, "")
      .startsWith("Z");
  } catch {
    return false;
  }
}

/** kill -9 of a process this test did not spawn (a server started by ops/services); resolves once it is gone. */
export async function kill9Pid(pid: number): Promise<void> {
  process.kill(pid, "SIGKILL");
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 20));
}

export interface ProcessHandle {
  child: ChildProcess;
  output(): string;
  /** Its log lines (pino JSON) at `level` or above: 40 warnings, 50 errors, 60 fatal. */
  loggedAtLeast(level: number): string[];
  /** SIGTERM and wait; SIGKILL if it has not exited in time. */
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

function start(
  entry: string,
  env: Record<string, string>,
  readyText: string,
  timeoutMs: number,
): Promise<ProcessHandle> {
  // PARLEY_CPU_PROF_DIR: each process writes a V8 CPU profile there when it exits (Node 20 refuses
  // --cpu-prof in NODE_OPTIONS), for benches that spawn through here (bash ops/chaos).
  const profileDir = process.env.PARLEY_CPU_PROF_DIR;
  const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", entry], {
    cwd: apiDir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const handle: ProcessHandle = {
    child,
    output: () => output,
    loggedAtLeast: (level) =>
      output.split("\n").filter((line) => Number(/"level":(\d+)/.exec(line)?.[1] ?? 0) >= level),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
    async kill9() {
      child.kill("SIGKILL");
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${entry} not ready after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const check = () => {
      if (output.includes(readyText)) {
        clearTimeout(timer);
        child.stdout?.off("data", check);
        resolve(handle);
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

export interface ApiProcess extends ProcessHandle {
  port: number;
  url: string;
}

export async function startApi(env: Record<string, string>, timeoutMs = 90_000): Promise<ApiProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const handle = await start(
    "src/main.ts",
    { ...env, PORT: String(port), HOST: "127.0.0.1" },
    "Parley is running",
    timeoutMs,
  );
  return Object.assign(handle, { port, url: `http://127.0.0.1:${port}` });
}

export function startPersister(env: Record<string, string>, timeoutMs = 60_000): Promise<ProcessHandle> {
  return start("src/persister/main.ts", env, "persister ready", timeoutMs);
}

export function startNotifierProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ProcessHandle> {
  return start("src/notifications/main.ts", env, "notifier ready", timeoutMs);
}
