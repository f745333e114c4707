// Real API and persister processes for tests: spawned with their own env, awaited until ready, killed
// (politely or with SIGKILL) at the end.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

const apiDir = path.resolve(import.meta.dirname, "..", "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface ProcessHandle {
  child: ChildProcess;
  output(): string;
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
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
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
