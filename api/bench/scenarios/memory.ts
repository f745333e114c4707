// Memory as an operator sees it (issue #19): the RSS of a fresh API node before any socket, and RSS per
// idle authenticated socket WITHOUT a forced GC (the connect ramp's presence updates and resumes
// included), then how long the node takes to stop (SIGTERM → exit) while holding them all.
import { readFileSync } from "node:fs";
import os from "node:os";
import { type BenchContext, Cluster, log } from "../lib/cluster.js";
import { Inspector, type MemoryUsage } from "../lib/inspector.js";
import { round } from "../lib/phase.js";
import { usageOf } from "../lib/processes.js";
import { metric, type ScenarioResult } from "../lib/report.js";
import { seedChannels, seedMembers, seedUsers, sourceAddress } from "../lib/seed.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join("/");
const mb = (bytes: number) => round(bytes / 2 ** 20);

/** Where a node's RSS goes: V8 heap (used / reserved but free), buffers, and the rest (code, native). */
function breakdown(rss: number, m: MemoryUsage) {
  return {
    rssMb: mb(rss),
    heapUsedMb: mb(m.heapUsed),
    heapFreeMb: mb(m.heapTotal - m.heapUsed),
    externalMb: mb(m.external),
    nativeAndCodeMb: mb(rss - m.heapTotal - m.external),
  };
}

/** The node holds one file descriptor per socket: beyond its open-file limit (inherited from ops/bench,
 * which raises it as far as the machine allows) the kernel refuses the accept and the client sees a reset.
 * Leaves room for the node's own files, connections and pipes, in whole hundreds. */
function socketsTheNodeMayOpen(): number {
  const limit = Number(/Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"))?.[1] ?? Infinity);
  return Math.floor((limit - 500) / 100) * 100;
}

/** The node's own account of its stop (main.ts logs "stopped" with each step's ms); NaN when it never got
 * that far (killed). */
function stopStepsOf(output: string) {
  const steps = {
    socketsMs: Number.NaN,
    presenceMs: Number.NaN,
    httpMs: Number.NaN,
    readersMs: Number.NaN,
    servicesMs: Number.NaN,
  };
  for (const line of output.split("\n")) {
    if (!line.includes('"msg":"stopped"')) continue;
    try {
      Object.assign(steps, JSON.parse(line));
    } catch {}
  }
  return steps;
}

export async function memoryScenario(ctx: BenchContext): Promise<Partial<ScenarioResult>> {
  const asked = ctx.quick ? 2000 : 20_000;
  const requested = Math.min(asked, socketsTheNodeMayOpen());
  const settleMs = ctx.quick ? 5000 : 15_000;
  const idleMs = ctx.quick ? 10_000 : 45_000;
  // At info the node logs how long each step of its stop took (main.ts, "stopped"); nothing per socket.
  const cluster = await Cluster.start("memory", ctx, {
    nodes: 1,
    inspect: true,
    plainHeap: true,
    built: true,
    env: { LOG_LEVEL: "info" },
  });
  const notes: string[] = [];
  const problems: string[] = [];
  try {
    const api = cluster.api;
    await sleep(settleMs);
    const inspector = await Inspector.attach(api);
    const fresh = usageOf(api.pid).rssBytes;
    const freshMemory = await inspector.memory();
    log("memory", `fresh node: RSS ${mb(fresh)} MB (load ${load()})`);
    notes.push(
      `Fresh node (api/dist/main.js under plain node) ${settleMs / 1000} s after ready, before any socket: load average ${load()}.`,
    );

    const db = cluster.stack.db;
    const users = await seedUsers(db, requested, "member");
    const channels = await seedChannels(db, requested / 100, "memory");
    // One channel of 100 members per user, as in the connections scenario: each socket keeps a cursor.
    await seedMembers(
      db,
      users.map((u, i) => ({ channelId: channels[Math.floor(i / 100)] as string, userId: u.id })),
    );
    const pool = cluster.loadPool(ctx.workers);
    log("memory", `ramping ${requested} sockets (resume on, so presence and cursors are set up)`);
    if (requested < asked)
      notes.push(`${requested} sockets, not ${asked}: the machine's open-file limit allows the node no more.`);
    const ramp = await pool.connect(
      api.url,
      users.map((u, i) => ({ token: u.token, group: "member", resume: true, localAddress: sourceAddress(i) })),
      25,
    );
    await sleep(idleMs);
    const held = pool.connected;
    const idle = usageOf(api.pid).rssBytes;
    const idleMemory = await inspector.memory();
    log("memory", `${held} sockets idle ${idleMs / 1000} s: RSS ${mb(idle)} MB (load ${load()})`);
    notes.push(
      `${held} idle sockets after ${idleMs / 1000} s (server heartbeat every 20 s), no GC forced: load average ${load()}.`,
    );
    if (ramp.failed > 0) problems.push(`${ramp.failed} sockets failed to connect: ${ramp.firstErrors.join("; ")}`);
    const perSocket = (after: number, before: number) => (after - before) / Math.max(1, held) / 1024;
    inspector.close();

    // Stop: the drain closes every socket with 1012 over DRAIN_SPREAD_MS, then the node exits.
    log("memory", `stopping the node with ${held} sockets (SIGTERM)`);
    const closedBefore = pool.closed;
    const stopStarted = performance.now();
    let allClosedMs = Number.NaN;
    const watch = setInterval(() => {
      if (Number.isNaN(allClosedMs) && pool.closed - closedBefore >= held)
        allClosedMs = performance.now() - stopStarted;
    }, 50);
    await api.stop(60_000);
    const exitMs = performance.now() - stopStarted;
    while (Number.isNaN(allClosedMs) && performance.now() - stopStarted < 60_000) await sleep(100);
    clearInterval(watch);
    const output = api.output();
    const steps = stopStepsOf(output);
    if (output.includes("the leaves were not all announced in time"))
      notes.push(
        "Presence: the node's shutdown did not announce every user's leave within its wait (presence/tracker.ts); the rest show offline when their entries expire.",
      );
    const killed = api.child.signalCode === "SIGKILL";
    if (killed) problems.push("the node did not exit within 60 s of SIGTERM and was killed");
    notes.push(
      `Stop: SIGTERM → process exit, with DRAIN_SPREAD_MS ${cluster.stack.env.DRAIN_SPREAD_MS ?? "5000 (default)"}; ` +
        `"all sockets closed" is seen by the load processes, which report once a second. Load average ${load()}.`,
    );
    return {
      metrics: [
        metric("fresh node RSS, before any socket", fresh / 2 ** 20, "MB", { atMost: 100 }),
        metric("sockets held", held, ""),
        metric("RSS per idle socket, no forced GC", perSocket(idle, fresh), "KB", { atMost: 10 }),
        metric("  JS heap used per socket", perSocket(idleMemory.heapUsed, freshMemory.heapUsed), "KB"),
        metric(
          "  JS heap reserved, unused, per socket",
          perSocket(idleMemory.heapTotal - idleMemory.heapUsed, freshMemory.heapTotal - freshMemory.heapUsed),
          "KB",
        ),
        metric("  buffers (external) per socket", perSocket(idleMemory.external, freshMemory.external), "KB"),
        metric(
          "  native and code per socket",
          perSocket(
            idle - idleMemory.heapTotal - idleMemory.external,
            fresh - freshMemory.heapTotal - freshMemory.external,
          ),
          "KB",
        ),
        metric("node RSS with the sockets", idle / 2 ** 20, "MB"),
        metric(`node stop with ${held} sockets (SIGTERM → exit)`, exitMs / 1000, "s", { atMost: 10 }),
        metric("  until the load processes saw every socket closed", allClosedMs / 1000, "s"),
        metric("  node: every socket closed (DRAIN_SPREAD_MS included)", steps.socketsMs / 1000, "s"),
        metric("  node: presence, calls and heartbeats ended after that", steps.presenceMs / 1000, "s"),
        metric("  node: HTTP server closed after that", steps.httpMs / 1000, "s"),
        metric("  node: log readers, reaper and retention stopped", steps.readersMs / 1000, "s"),
        metric("  node: Redis, Kafka and PostgreSQL clients closed", steps.servicesMs / 1000, "s"),
      ],
      problems,
      notes,
      config: {
        requested,
        fresh: breakdown(fresh, freshMemory),
        idle: breakdown(idle, idleMemory),
        threads: os.cpus().length,
      },
    };
  } finally {
    await cluster.stop();
  }
}
