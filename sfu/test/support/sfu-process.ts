// Starts the real SFU (src/main.ts) as its own process, as production runs it, and finds the mediasoup
// worker binary it needs. Without a worker the calling test file is skipped with the reason printed.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freeMediaPort, freePort } from "./ports.js";

const SFU_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** MEDIASOUP_WORKER_BIN, else what ops/mediasoup/build.sh caches, else mediasoup's own install. */
export function workerBin(): { bin?: string; missing?: string } {
  if (process.env.MEDIASOUP_WORKER_BIN) {
    return existsSync(process.env.MEDIASOUP_WORKER_BIN)
      ? { bin: process.env.MEDIASOUP_WORKER_BIN }
      : { missing: `MEDIASOUP_WORKER_BIN=${process.env.MEDIASOUP_WORKER_BIN} does not exist` };
  }
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve("mediasoup/package.json"));
  const version = (require("mediasoup/package.json") as { version: string }).version;
  const state = process.env.PARLEY_STATE_DIR ?? path.join(os.homedir(), ".cache", "parley");
  for (const bin of [
    path.join(state, "mediasoup", version, "mediasoup-worker"),
    path.join(pkgDir, "worker/out/Release/mediasoup-worker"),
  ]) {
    if (existsSync(bin)) return { bin };
  }
  return { missing: `no mediasoup ${version} worker binary: run \`bash ops/mediasoup/build.sh\` (or bash ops/test)` };
}

/** Skips the calling file's tests when there is no worker, saying so on stderr. */
export function requireWorker(file: string): boolean {
  const { missing } = workerBin();
  if (missing) console.error(`SKIPPED ${path.basename(file)}: ${missing}`);
  return !missing;
}

export type SfuProcess = {
  url: string;
  secret: string;
  /** The one port (UDP and TCP) media reaches its worker on. */
  rtcPort: number;
  child: ChildProcess;
  logs: string[];
  stop(): Promise<void>;
  /** kill -9, as a crash would: no call is ended, no API node is told. */
  kill9(): Promise<void>;
};

/** Starts the SFU; `env` overrides anything (pass SFU_PORT, SFU_RTC_PORT and SFU_SECRET to restart one in place). */
export async function startSfu(env: Record<string, string> = {}): Promise<SfuProcess> {
  const { bin, missing } = workerBin();
  if (!bin) throw new Error(missing);
  const port = env.SFU_PORT ? Number(env.SFU_PORT) : await freePort();
  const rtcPort = env.SFU_RTC_PORT ? Number(env.SFU_RTC_PORT) : await freeMediaPort();
  const secret = env.SFU_SECRET ?? `test-secret-${Math.random().toString(36).slice(2)}`;
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: SFU_DIR,
    env: {
      ...process.env,
      MEDIASOUP_WORKER_BIN: bin,
      SFU_SECRET: secret,
      SFU_PORT: String(port),
      SFU_WORKERS: "1",
      SFU_RTC_PORT: String(rtcPort),
      // Above the clients' 4 s (two missed pings), with room for a loaded machine's stalls; the liveness
      // test sets its own.
      SFU_LINK_TIMEOUT_MS: "8000",
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    // Node + tsx + a mediasoup worker start in ~2 s on a quiet machine; CI at load average 50 took over 20 s.
    const timer = setTimeout(() => reject(new Error(`the SFU did not start within 90 s:\n${logs.join("")}`)), 90_000);
    const onData = (chunk: Buffer) => {
      logs.push(String(chunk));
      if (String(chunk).includes('"msg":"sfu ready"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the SFU exited (${code}) before it was ready:\n${logs.join("")}`));
    });
  });
  await ready;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    url: `ws://127.0.0.1:${port}`,
    secret,
    rtcPort,
    child,
    logs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited()) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
    kill9: () =>
      new Promise<void>((resolve) => {
        if (exited()) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
