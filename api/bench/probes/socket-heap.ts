// Live JS heap and RSS per idle socket on one in-process API node (after a forced GC), the quick version of
// the `connections` scenario: 2,000 users in 20 channels of 100, each with one resumed socket opened from a
// child process. Optionally writes a heap snapshot for socket-retainers.ts.
// Run: cd api && node --expose-gc --import tsx bench/probes/socket-heap.ts [sockets] [snapshot dir]
import { fork } from "node:child_process";
import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { writeHeapSnapshot } from "node:v8";
import { serve } from "@hono/node-server";
import WebSocket from "ws";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import { createRealtimeApp } from "../../src/realtime/node.js";
import { startServices } from "../../src/start-services.js";
import { seedChannels, seedMembers, seedUsers, sourceAddress } from "../lib/seed.js";
import { cleanupRun, createStack } from "../lib/stack.js";

const PER_CHANNEL = 100;

async function clients(url: string, tokens: string[]) {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < tokens.length; i += 100) {
    await Promise.all(
      tokens.slice(i, i + 100).map(
        (token, j) =>
          new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(url, {
              headers: { authorization: `Bearer ${token}` },
              localAddress: sourceAddress(i + j),
            });
            sockets.push(ws);
            ws.on("error", reject);
            ws.on("message", (data) => {
              if (String(data).includes('"request":"resume"')) resolve();
            });
            ws.on("open", () => ws.send(JSON.stringify({ id: "r", type: "resume", positions: {} })));
          }),
      ),
    );
  }
  process.send?.("ready");
}

function measure() {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { heapUsed, external: external + arrayBuffers, rss: process.memoryUsage.rss() };
}

async function node(count: number, snapshotDir?: string) {
  if (!(globalThis as { gc?: unknown }).gc) throw new Error("run with node --expose-gc");
  const stack = await createStack("sockheap", { NODE_ENV: "production" });
  try {
    const env = { ...stack.env };
    delete (env as { KAFKA_BROKERS?: string }).KAFKA_BROKERS; // the log is not used by idle sockets
    const users = await seedUsers(stack.db, count, "heap");
    const channels = await seedChannels(stack.db, Math.ceil(count / PER_CHANNEL), "heap");
    await seedMembers(
      stack.db,
      users.map((u, i) => ({ userId: u.id, channelId: channels[Math.floor(i / PER_CHANNEL)] as string })),
    );
    const config = loadConfig(env);
    const services = await startServices(config, createLogger("warn", "heap"), { migrate: false });
    const realtime = createRealtimeApp(services);
    const server = serve({ fetch: realtime.app.fetch, hostname: "127.0.0.1", port: 0 }) as Server;
    realtime.attach(server);
    await new Promise<void>((r) => server.once("listening", () => r()));
    const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/ws`;

    const before = measure();
    const child = fork(import.meta.filename, ["client", url], { execArgv: ["--import", "tsx"] });
    child.send(users.map((u) => u.token));
    await new Promise((r) => child.once("message", r));
    await new Promise((r) => setTimeout(r, 3000)); // presence of the last joiners settles
    const after = measure();
    const held = realtime.hub.connections.size;
    const per = (k: keyof typeof before) => `${((after[k] - before[k]) / held / 1024).toFixed(2)} KB`;
    console.log(`${held} sockets: heap ${per("heapUsed")}, external ${per("external")}, RSS ${per("rss")} per socket`);
    if (snapshotDir) {
      mkdirSync(snapshotDir, { recursive: true });
      console.log(`snapshot: ${writeHeapSnapshot(path.join(snapshotDir, `${Date.now()}.heapsnapshot`))}`);
    }
    child.kill();
    await new Promise((r) => setTimeout(r, 2000)); // the closes' presence updates finish first
    await services.close();
  } finally {
    await stack.cleanup();
    await cleanupRun();
  }
}

if (process.argv[2] === "client") {
  const url = process.argv[3] as string;
  process.once("message", (tokens) => void clients(url, tokens as string[]));
} else {
  await node(Number(process.argv[2] ?? 2000), process.argv[3]);
  process.exit(0);
}
