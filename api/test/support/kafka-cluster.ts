// Three private Kafka brokers for one test file (replication factor 3, min.insync.replicas 2), started by
// the project's own `ops/services up kafka-cluster` on free loopback ports under a temporary state dir and
// removed at stop(). The machine's shared broker is never touched, so a test may kill one of these.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort, isAlive, kill9Pid } from "./processes.js";

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");

export interface KafkaClusterHandle {
  brokers: string[];
  /** kill -9 of broker `n` (1–3, node.id); resolves once the process is gone. */
  kill9(n: number): Promise<void>;
  /** Each broker: running or gone, and the last warnings and errors of its log (for a failure's message). */
  describe(): string;
  stop(): Promise<void>;
}

export async function startKafkaCluster(): Promise<KafkaClusterHandle> {
  const state = mkdtempSync(path.join(os.tmpdir(), "parley-kafka-cluster-"));
  const ports = new Set<number>();
  while (ports.size < 6) ports.add(await freePort());
  const [p1, p2, p3, c1, c2, c3] = [...ports];
  const env = {
    ...process.env,
    PARLEY_STATE_DIR: state,
    KAFKA_CLUSTER_PORTS: [p1, p2, p3].join(","),
    KAFKA_CLUSTER_CONTROLLER_PORTS: [c1, c2, c3].join(","),
    KAFKA_HEAP: process.env.KAFKA_HEAP ?? "320m",
  };
  const services = (action: string) =>
    run("bash", [path.join(repoRoot, "ops/services"), action, "kafka-cluster"], { env, maxBuffer: 16 << 20 });
  try {
    const { stdout } = await services("up");
    console.log(stdout.trim().split("\n").at(-1));
  } catch (error) {
    await services("down").catch(() => {});
    rmSync(state, { recursive: true, force: true });
    throw error;
  }
  return {
    brokers: [p1, p2, p3].map((p) => `127.0.0.1:${p}`),
    kill9: (n) => kill9Pid(Number(readFileSync(path.join(state, "kafka-cluster", String(n), "kafka.pid"), "utf8"))),
    describe: () => [1, 2, 3].map((n) => describeBroker(n, path.join(state, "kafka-cluster", String(n)))).join("\n"),
    async stop() {
      await services("down").catch(() => {});
      rmSync(state, { recursive: true, force: true });
    },
  };
}

function describeBroker(n: number, dir: string): string {
  const read = (file: string) => {
    try {
      return readFileSync(path.join(dir, file), "utf8");
    } catch {
      return "";
    }
  };
  const pid = Number(read("kafka.pid"));
  const state = pid > 0 && isAlive(pid) ? "running" : "GONE";
  const notable = read("kafka.log")
    .split("\n")
    .filter((line) => / (WARN|ERROR|FATAL) /.test(line))
    .slice(-8);
  return `broker ${n} ${state}; its last warnings and errors:\n  ${notable.join("\n  ") || "(none)"}`;
}
