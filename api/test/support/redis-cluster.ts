// A private Redis Cluster for one test file: 3 masters with a replica each on free loopback ports, started
// by the project's own `ops/services up redis-cluster` under a temporary state dir and removed at stop().
// The machine's shared Redis is never touched, so a test may kill a master of this one.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { freePort, kill9Pid } from "./processes.js";

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");

export interface RedisClusterHandle {
  /** A seed node's URL (REDIS_URL with REDIS_CLUSTER=true). */
  url: string;
  ports: number[];
  /** The port of the master that serves `key`'s slot now. */
  masterFor(key: string): Promise<number>;
  /** kill -9 of the redis-server on `port`; resolves once it is gone. */
  kill9(port: number): Promise<void>;
  /** Resolves when `port`'s replica has taken over and the cluster says ok again. */
  waitForFailover(deadPort: number, timeoutMs?: number): Promise<{ newMaster: number; ms: number }>;
  stop(): Promise<void>;
}

/** Attempts at a start whose free ports another process took between the pick and the start. */
const START_ATTEMPTS = 3;

export async function startRedisCluster(): Promise<RedisClusterHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await pickPorts());
    } catch (error) {
      // A port found free may be taken before redis-server binds it (other test files pick ports too).
      if (attempt >= START_ATTEMPTS || !/is taken/.test(String(error))) throw error;
    }
  }
}

async function pickPorts() {
  const ports: number[] = [];
  const busPorts: number[] = [];
  while (ports.length < 6) {
    const [p, b] = [await freePort(), await freePort()];
    if (p === b || ports.includes(p) || busPorts.includes(b) || ports.includes(b) || busPorts.includes(p)) continue;
    ports.push(p);
    busPorts.push(b);
  }
  return { ports, busPorts };
}

async function startOn({ ports, busPorts }: { ports: number[]; busPorts: number[] }): Promise<RedisClusterHandle> {
  const state = mkdtempSync(path.join(os.tmpdir(), "parley-redis-cluster-"));
  const env = {
    ...process.env,
    PARLEY_STATE_DIR: state,
    REDIS_CLUSTER_PORTS: ports.join(","),
    REDIS_CLUSTER_BUS_PORTS: busPorts.join(","),
  };
  const services = (action: string) =>
    run("bash", [path.join(repoRoot, "ops/services"), action, "redis-cluster"], { env });
  try {
    await services("up");
  } catch (error) {
    await services("down").catch(() => {});
    rmSync(state, { recursive: true, force: true });
    throw error;
  }

  const client = (port: number) => {
    const r = new Redis({
      port,
      host: "127.0.0.1",
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    r.on("error", () => {}); // a killed node refuses: ask() moves on to the next
    return r;
  };
  /** Ask any live node. */
  async function ask<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
    for (const port of ports) {
      const r = client(port);
      try {
        await r.connect();
        return await fn(r);
      } catch {
        // that node is down: ask the next
      } finally {
        r.disconnect();
      }
    }
    throw new Error("no node of the test cluster answers");
  }
  const masterFor = (key: string) =>
    ask(async (r) => {
      const slot = (await r.call("CLUSTER", "KEYSLOT", key)) as number;
      const slots = (await r.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`slot ${slot} unserved`);
      return range[2][1];
    });

  return {
    url: `redis://127.0.0.1:${ports[0]}`,
    ports,
    masterFor,
    kill9: (port) =>
      kill9Pid(Number(readFileSync(path.join(state, "redis-cluster", String(port), "redis.pid"), "utf8"))),
    async waitForFailover(deadPort, timeoutMs = 30_000) {
      const started = performance.now();
      for (;;) {
        const done = await ask(async (r) => {
          const info = String(await r.call("CLUSTER", "INFO"));
          const nodes = String(await r.call("CLUSTER", "NODES"))
            .trim()
            .split("\n");
          const masters = nodes.filter((l) => / master /.test(l.replace("myself,", "")) && !l.includes("fail"));
          const live = masters.map((l) => Number(/:(\d+)@/.exec(l)?.[1])).filter((p) => p !== deadPort);
          return info.includes("cluster_state:ok") && live.length === 3 ? live : null;
        }).catch(() => null);
        if (done) {
          const newMaster = done.find((p) => ports.indexOf(p) >= 3) ?? (done[0] as number);
          return { newMaster, ms: performance.now() - started };
        }
        if (performance.now() - started > timeoutMs) throw new Error(`no failover within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      await services("down").catch(() => {});
      rmSync(state, { recursive: true, force: true });
    },
  };
}
