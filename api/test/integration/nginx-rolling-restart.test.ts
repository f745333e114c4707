// Three API nodes behind Debian's nginx running the project's own proxy config (ops/nginx/parley-proxy.inc),
// a standalone persister, the machine's Redis and Kafka. First: HTTP, /readyz and sockets pass through
// nginx and land on every node (no stickiness). Then a rolling restart under steady sends: each node in
// turn gets SIGTERM (it drains: refuses new sockets, closes its own with 1012 spread over DRAIN_SPREAD_MS
// after answering what they sent) and is started again on its port, while clients keep sending through
// nginx. Nothing acknowledged may be lost, nothing may arrive twice, every client must be back within
// 10 s, and the send → delivered p99 during the restart is printed (BENCHMARKS.md, "Rolling restart").
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type NginxHandle, startNginx } from "../support/nginx.js";
import { type ApiProcess, freePort, type ProcessHandle, startApi, startPersister } from "../support/processes.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";
import { percentile, steadyTraffic } from "../support/steady-traffic.js";

const CLIENTS = 6;
const SEND_INTERVAL_MS = 150;
const DRAIN_SPREAD_MS = 2000;
/** The bar: every client resumed within this long of losing its socket. */
const BACK_WITHIN_MS = 10_000;

const resultsDir = path.resolve(import.meta.dirname, "..", "..", ".test-results");
mkdirSync(resultsDir, { recursive: true });

let stack: TestStack;
let services: Running;
let ports: number[];
const nodes: ApiProcess[] = [];
let persister: ProcessHandle;
let nginx: NginxHandle;

const nodeEnv = (i: number) => ({
  ...stack.env,
  PORT: String(ports[i]),
  NODE_ID: `api-${i + 1}`,
  PERSISTER: "off",
  TRUSTED_PROXIES: "loopback",
  DRAIN_SPREAD_MS: String(DRAIN_SPREAD_MS),
});

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  ports = await Promise.all([0, 1, 2].map(() => freePort()));
  // The first node creates the Kafka topics; the others and the persister start together after it.
  nodes.push(await startApi(nodeEnv(0)));
  const [p, ...more] = await Promise.all([startPersister(stack.env), startApi(nodeEnv(1)), startApi(nodeEnv(2))]);
  persister = p as ProcessHandle;
  nodes.push(...(more as ApiProcess[]));
  nginx = await startNginx(ports);
}, 240_000);

afterAll(async () => {
  // Kept for reading after a run: every upstream failure and retry nginx logged.
  if (nginx) writeFileSync(path.join(resultsDir, "nginx-rolling-restart.error.log"), nginx.errorLog());
  await nginx?.stop();
  await Promise.all([...nodes.map((n) => n.stop()), persister?.stop()]);
  await stack?.cleanup();
});

async function socketsOn(node: ApiProcess): Promise<number> {
  const metrics = await (await fetch(`${node.url}/metrics`)).text();
  return Number(/^parley_socket_connections (\d+)/m.exec(metrics)?.[1] ?? Number.NaN);
}

describe("nginx in front of three API nodes", () => {
  it("passes HTTP, /readyz and WebSocket upgrades, spreading sockets over every node", async () => {
    const ready = await fetch(`${nginx.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { status: string }).status).toBe("ok");
    expect((await fetch(`${nginx.url}/metrics`)).status).toBe(404); // metrics stay inside

    const users = await Promise.all(Array.from({ length: 9 }, () => createUser(services.db)));
    const channel = await createChannel(
      services.db,
      users.map((u) => u.id),
    );
    const sockets = await Promise.all(
      users.map(async (u) => TestSocket.connect(nginx.url, await sessionToken(services.db, u.id))),
    );
    await Promise.all(sockets.map((s) => s.ok("resume", { positions: {} })));
    const counts = await Promise.all(nodes.map(socketsOn));
    console.log(`sockets per node through nginx (least_conn): ${counts.join(", ")}`);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(9);
    for (const count of counts) expect(count).toBeGreaterThan(0);

    // Any node serves any socket: one send reaches the sockets on all three.
    await (sockets[0] as TestSocket).ok("sendMessage", { channelId: channel.id, clientId: "hello", body: "hello" });
    for (const s of sockets) await waitFor(() => s.events(channel.id).length === 1, "the message on every socket");
    for (const s of sockets) s.close();
  });

  it("restarts every node under steady sends: nothing lost or doubled, every client back within 10 s", async () => {
    let restartFrom = 0;
    let restartTo = 0;
    const { clients, accepted } = await steadyTraffic(
      services,
      [nginx.url],
      { clients: CLIENTS, intervalMs: SEND_INTERVAL_MS },
      async () => {
        restartFrom = performance.now();
        for (const [i, node] of nodes.entries()) {
          const exited = new Promise<number | null>((resolve) => node.child.once("exit", (code) => resolve(code)));
          const t0 = performance.now();
          node.child.kill("SIGTERM");
          const code = await exited;
          const drainedMs = performance.now() - t0;
          if (code !== 0) console.log(node.output());
          expect(code).toBe(0);
          nodes[i] = await startApi(nodeEnv(i));
          console.log(
            `api-${i + 1}: drained and exited in ${(drainedMs / 1000).toFixed(1)} s, back in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
          );
        }
        restartTo = performance.now();
      },
    );

    const outages = clients.flatMap((c) => c.outages);
    const backMs = outages.map((o) => (o.backAt ?? Number.POSITIVE_INFINITY) - o.closedAt);
    const sentAt = new Map(accepted.map((a) => [a.id, a.sentAt]));
    const latencies = clients.flatMap((c) =>
      [...c.delivered]
        .filter(([id]) => (sentAt.get(id) ?? 0) >= restartFrom && (sentAt.get(id) ?? 0) <= restartTo)
        .map(([id, at]) => at - (sentAt.get(id) as number)),
    );
    const codes = [...new Set(outages.map((o) => o.code))].join(", ");
    console.log(
      `rolling restart of 3 nodes in ${((restartTo - restartFrom) / 1000).toFixed(1)} s: ${accepted.length} messages accepted, ` +
        `${outages.length} socket moves (close codes ${codes}), longest time away ${Math.max(...backMs).toFixed(0)} ms, ` +
        `send→delivered over ${latencies.length} deliveries sent during the restart: p50 ${percentile(latencies, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
    );
    const slowest = outages.reduce((a, b) => ((b.backAt ?? 0) - b.closedAt > (a.backAt ?? 0) - a.closedAt ? b : a));
    console.log(
      `slowest move: ${slowest.tries} upgrade(s) tried (last refusal: ${slowest.lastError ?? "none"}), opened after ${((slowest.openedAt ?? Number.NaN) - slowest.closedAt).toFixed(0)} ms, resumed after ${((slowest.backAt ?? Number.NaN) - slowest.closedAt).toFixed(0)} ms`,
    );
    // Every client lost its socket at least once (its node was restarted), each time with the drain's code.
    for (const c of clients) expect(c.outages.length, `${c.name} was never moved`).toBeGreaterThan(0);
    for (const o of outages) expect(o.code).toBe(1012);
    for (const ms of backMs) expect(ms).toBeLessThanOrEqual(BACK_WITHIN_MS);
  }, 420_000);
});
