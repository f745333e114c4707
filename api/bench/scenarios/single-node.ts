// Scenarios 1 and 2 on ONE API node: hold as many authenticated sockets as asked (memory per socket, idle
// CPU), then fan messages out to channel members over those same sockets. They share one population, so
// running both ramps the sockets once.

import { readFileSync } from "node:fs";
import os from "node:os";
import { type BenchContext, Cluster, log } from "../lib/cluster.js";
import { describeCores, PartyMeter } from "../lib/cpu.js";
import { diffHeap, type HeapDiff, takeHeapSnapshot } from "../lib/heap.js";
import { Inspector, type MemoryUsage } from "../lib/inspector.js";
import { LagSampler } from "../lib/lag.js";
import { addAccepted, capacityMetrics, findCapacity, round, runPhase } from "../lib/phase.js";
import { usageOf } from "../lib/processes.js";
import { monotonicUs } from "../lib/profile.js";
import { type Metric, metric, type ScenarioResult } from "../lib/report.js";
import { seedChannels, seedMembers, seedUsers, sourceAddress } from "../lib/seed.js";
import { checkDelivery } from "../lib/verify.js";

/** Descriptors an API node needs besides its sockets (database pool, Redis, Kafka, stdio, epoll …). */
const FD_RESERVE = 120;
const SENDERS_PER_CHANNEL = 5;

export interface Population {
  cluster: Cluster;
  userCount: number;
  channels: string[];
  membersPerChannel: number;
  /** Pool placement of user i's socket. */
  placement: { worker: number; client: number }[];
  /** Index of the j-th member of channel k. */
  memberOf: (k: number, j: number) => number;
  ramp: { seconds: number; connected: number; failed: number; firstErrors: string[] };
  baseline: { rssBytes: number; cpuSeconds: number };
  requested: number;
  fdLimit: number;
  heapBefore?: string | undefined;
  /** The API node's inspector, to collect garbage before reading memory. */
  inspector: Inspector;
  /** Memory of the API node before the ramp, after a full GC. */
  baseMemory: MemoryUsage;
}

function fdLimit(pid: number) {
  const line = readFileSync(`/proc/${pid}/limits`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("Max open files"));
  return Number(line?.trim().split(/\s+/)[3] ?? 1024);
}

export async function buildPopulation(ctx: BenchContext): Promise<Population> {
  const requested = ctx.quick ? 2000 : 20_000;
  const channelCount = ctx.quick ? 20 : 200;
  const membersPerChannel = 100;
  // Heap snapshots of 20,000 sockets outgrow V8's largest string; the composition per socket is the same
  // at 2,000 (--quick --profile).
  const heapSnapshots = ctx.profile && requested <= 5000;
  const cluster = await Cluster.start("single-node", ctx, { nodes: 1, heapSnapshots, inspect: true });
  try {
    const api = cluster.api;
    const limit = fdLimit(api.pid);
    const userCount = Math.min(requested, limit - usageOf(api.pid).fds - FD_RESERVE);
    if (userCount < requested)
      log(
        "connections",
        `the API node may open ${limit} descriptors (RLIMIT_NOFILE): holding ${userCount}, not ${requested}`,
      );
    const db = cluster.stack.db;
    log(
      "connections",
      `seeding ${userCount} users with sessions, ${channelCount} channels × ${membersPerChannel} members`,
    );
    const users = await seedUsers(db, userCount, "member");
    const channels = await seedChannels(db, channelCount, "fanout");
    const memberIndex = (k: number, j: number) => (k * membersPerChannel + j) % userCount;
    await seedMembers(
      db,
      channels.flatMap((channelId, k) =>
        Array.from({ length: membersPerChannel }, (_, j) => ({
          channelId,
          userId: (users[memberIndex(k, j)] as { id: string }).id,
        })),
      ),
    );
    await new Promise((r) => setTimeout(r, 3000));
    const heapBefore = cluster.heapDir ? await takeHeapSnapshot(api, cluster.heapDir) : undefined;
    const inspector = await Inspector.attach(api);
    const baseMemory = await inspector.memoryAfterGc();
    const base = usageOf(api.pid);
    const pool = cluster.loadPool(ctx.workers);
    log("connections", `ramping ${userCount} sockets over ${pool.size} load processes (source addresses 127.0.0.2–9)`);
    const started = performance.now();
    const from = monotonicUs();
    const progress = setInterval(() => log("connections", `${pool.connected} sockets open`), 5000);
    const result = await pool
      .connect(
        api.url,
        users.map((u, i) => ({ token: u.token, group: "member", resume: true, localAddress: sourceAddress(i) })),
        25,
      )
      .finally(() => clearInterval(progress));
    const seconds = (performance.now() - started) / 1000;
    cluster.noteWindow("connections: ramp", from, monotonicUs());
    log("connections", `${result.connected} connected, ${result.failed} failed in ${round(seconds, 1)} s`);
    return {
      cluster,
      userCount,
      channels,
      membersPerChannel,
      placement: result.placement,
      memberOf: memberIndex,
      ramp: { seconds, connected: result.connected, failed: result.failed, firstErrors: result.firstErrors },
      baseline: { rssBytes: base.rssBytes, cpuSeconds: base.cpuSeconds },
      requested,
      fdLimit: limit,
      heapBefore,
      inspector,
      baseMemory,
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

export async function connectionsScenario(ctx: BenchContext, population: Population): Promise<Partial<ScenarioResult>> {
  const { cluster, ramp } = population;
  const pool = cluster.pool;
  if (!pool) throw new Error("no load pool");
  const idleMs = ctx.quick ? 10_000 : 45_000;
  await new Promise((r) => setTimeout(r, 3000));
  log("connections", `holding ${pool.connected} sockets idle for ${idleMs / 1000} s (server heartbeat every 20 s)`);
  const meter = new PartyMeter({
    api: [cluster.api.pid],
    persister: [cluster.persister?.pid ?? 0],
    "load generators": pool.pids,
  });
  const from = monotonicUs();
  pool.resetWindow();
  await new Promise((r) => setTimeout(r, idleMs));
  const idleFrames = pool.window.frames;
  const idleSeconds = pool.window.seconds;
  cluster.noteWindow("connections: idle", from, monotonicUs());
  const idle = meter.cores();
  const idleCores = idle.api ?? 0;
  const before = usageOf(cluster.api.pid);
  const held = pool.connected;
  const memory = await population.inspector.memoryAfterGc();
  const after = usageOf(cluster.api.pid);
  const base = population.baseMemory;
  const perSocket = (bytes: number) => bytes / Math.max(1, held) / 1024;
  let heap: HeapDiff | undefined;
  if (population.heapBefore && cluster.heapDir) {
    log("connections", "taking a heap snapshot of the API node to see where a socket's memory goes");
    const heapAfter = await takeHeapSnapshot(cluster.api, cluster.heapDir);
    if (heapAfter) heap = diffHeap(population.heapBefore, heapAfter, held);
    if (heap) {
      log("connections", `live JS heap per socket: ${heap.perSocketBytes} bytes; largest kinds per socket:`);
      for (const t of heap.top) log("connections", `  ${t.bytesPerSocket} B  ×${t.countPerSocket}  ${t.kind}`);
    }
  }
  const problems: string[] = [];
  if (ramp.failed > 0) problems.push(`${ramp.failed} sockets failed to connect: ${ramp.firstErrors.join("; ")}`);
  if (pool.closed > 0) problems.push(`${pool.closed} sockets were closed while idle`);
  const notes = [
    "Per socket = (API node figure after the idle period − before the ramp) / sockets held, both read right after a " +
      "full GC forced through the node's inspector (so garbage is not counted); the RSS before that GC is shown too.",
  ];
  if (population.userCount < population.requested)
    notes.push(
      `The API process may open at most ${population.fdLimit} descriptors (RLIMIT_NOFILE hard limit of this machine; ` +
        `raising it needs CAP_SYS_RESOURCE, which this root lacks), so ${population.userCount} sockets is the ceiling here.`,
    );
  return {
    metrics: [
      ctx.quick
        ? metric("sockets held on one node", held, "")
        : metric("sockets held on one node", held, "", { atLeast: 20_000 }),
      metric("RSS per socket", perSocket(memory.rss - base.rss), "KB", { atMost: 20 }),
      metric("live JS heap per socket", perSocket(memory.heapUsed - base.heapUsed), "KB"),
      metric("buffers (external) per socket", perSocket(memory.external - base.external), "KB"),
      metric("RSS per socket before GC", perSocket(before.rssBytes - population.baseline.rssBytes), "KB"),
      ...(heap ? [metric("live JS heap per socket (heap snapshot)", heap.perSocketBytes / 1024, "KB")] : []),
      metric("idle CPU of the API node", idleCores * 100, "% of a core"),
      { name: "CPU cores while idle", value: describeCores(idle, os.cpus().length) },
      metric("frames to clients while idle", Object.values(idleFrames).reduce((a, b) => a + b, 0) / idleSeconds, "/s"),
      metric("API node RSS", memory.rss / 2 ** 20, "MB"),
      metric("ramp rate", ramp.connected / ramp.seconds, "sockets/s"),
    ],
    problems,
    notes,
    config: {
      requested: population.requested,
      sockets: population.userCount,
      idleSeconds: idleMs / 1000,
      loadProcesses: pool.size,
      baselineMemoryMb: Object.fromEntries(Object.entries(base).map(([k, v]) => [k, round(v / 2 ** 20)])),
      memoryMb: Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, round(v / 2 ** 20)])),
      descriptorsAtEnd: after.fds,
      idleFramesPerSec: Object.fromEntries(Object.entries(idleFrames).map(([t, n]) => [t, round(n / idleSeconds)])),
      ...(heap ? { heapPerSocket: heap } : {}),
    },
  };
}

export async function fanoutScenario(ctx: BenchContext, population: Population): Promise<Partial<ScenarioResult>> {
  const { cluster, channels, membersPerChannel, placement } = population;
  const pool = cluster.pool;
  if (!pool) throw new Error("no load pool");
  // Several senders per channel, each at a human-like pace (a socket handles its requests one at a time).
  const targets = channels.flatMap((channelId, k) =>
    Array.from({ length: SENDERS_PER_CHANNEL }, (_, j) => ({
      ...(placement[population.memberOf(k, j)] as { worker: number; client: number }),
      channelId,
    })),
  );
  const lag = new LagSampler(cluster.stack.db, channels, pool).start();
  const parties = { api: [cluster.api.pid], persister: [cluster.persister?.pid ?? 0], "load generators": pool.pids };
  const measureMs = ctx.quick ? 10_000 : 60_000;
  const warmupMs = ctx.quick ? 2000 : 5000;
  const phases = ctx.quick
    ? [
        { tag: "latency", deliveries: 10_000 },
        { tag: "throughput", deliveries: 20_000 },
      ]
    : [
        { tag: "latency", deliveries: 50_000 },
        { tag: "throughput", deliveries: 100_000 },
      ];
  const accepted: Record<string, number> = {};
  const metrics: Metric[] = [];
  const config: Record<string, unknown> = {
    channels: channels.length,
    membersPerChannel,
    sockets: pool.connected,
    measureSeconds: measureMs / 1000,
  };
  let unanswered = 0;
  const problems: string[] = [];
  const settle = async () => {
    const c = await checkDelivery(pool, cluster.stack.db, channels, accepted, {
      unanswered,
      timeoutMs: 180_000,
      final: false,
    });
    problems.push(...c.problems);
    return c.settleSeconds;
  };

  // First the capacity at the latency bound (short steps, each drained), then the targets' fixed rates.
  const stepRates = (
    ctx.quick ? [2000, 5000, 10_000, 20_000] : [5000, 10_000, 20_000, 30_000, 50_000, 75_000, 100_000]
  ).map((d) => d / membersPerChannel);
  log("fanout", `capacity at p99 ≤ 50 ms: steps of ${stepRates.join(", ")} sends/s`);
  const capacity = await findCapacity(
    pool,
    {
      scenario: "fanout",
      targets,
      warmupMs: 2000,
      measureMs: ctx.quick ? 5000 : 10_000,
      bodyBytes: 100,
      parties,
      cluster,
    },
    stepRates,
    50,
    settle,
    accepted,
  );
  unanswered += capacity.unanswered;
  metrics.push(...capacityMetrics("deliveries/s held with p99 ≤ 50 ms", capacity, (s) => s.deliveriesPerSec));
  config.capacitySteps = capacity.steps;

  for (const phase of phases) {
    const rate = phase.deliveries / membersPerChannel;
    log(
      "fanout",
      `${phase.tag}: ${rate} sends/s into ${channels.length} channels (${phase.deliveries} deliveries/s asked)`,
    );
    const r = await runPhase(pool, {
      scenario: "fanout",
      targets,
      ratePerSec: rate,
      warmupMs,
      measureMs,
      tag: phase.tag,
      bodyBytes: 100,
      lag,
      parties,
      cluster,
    });
    const lagSummary = lag.samples.summary();
    addAccepted(accepted, r.accepted);
    unanswered += r.errors.no_reply ?? 0;
    const latency = r.window.latencyOf().summary();
    const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
    const at = `@${phase.deliveries / 1000}k/s`;
    metrics.push(
      metric(`sends/s ${at}`, r.sendsPerSec, "/s"),
      phase.tag === "throughput" && !ctx.quick
        ? metric(`deliveries/s ${at}`, r.deliveriesPerSec, "/s", { atLeast: 100_000 })
        : metric(`deliveries/s ${at}`, r.deliveriesPerSec, "/s"),
      metric(`send→deliver p50 ${at}`, latency.p50, "ms"),
      metric(`send→deliver p95 ${at}`, latency.p95, "ms"),
      phase.tag === "latency" && !ctx.quick
        ? metric(`send→deliver p99 ${at}`, latency.p99, "ms", { atMost: 50 })
        : metric(`send→deliver p99 ${at}`, latency.p99, "ms"),
      // Lag is measured from acceptance: with no send answered in the window there is nothing to measure.
      r.acked > 0
        ? metric(`persister lag max ${at}`, lagSummary.max, "ms")
        : { name: `persister lag max ${at}`, value: "n/a (no send answered)" },
      metric(`send errors ${at}`, errors, ""),
      { name: `CPU cores ${at}`, value: describeCores(r.cores, os.cpus().length) },
    );
    const settleSeconds = await settle();
    config[phase.tag] = {
      sendsPerSecAsked: rate,
      errors: r.errors,
      cores: r.cores,
      ackLatency: r.window.ackLatency.summary(),
      settleSeconds,
    };
  }
  lag.stop();
  log("fanout", "checking every delivery");
  const check = await checkDelivery(pool, cluster.stack.db, channels, accepted, { unanswered });
  metrics.push(metric("deliveries checked", check.deliveries, ""));
  return {
    metrics,
    problems: [...problems, ...check.problems],
    notes: [
      `${SENDERS_PER_CHANNEL} senders per channel (members); every member's socket receives each message, the sender's own included.`,
      "Latency = receive time − send time written in the body by the sending load process (same machine clock).",
    ],
    config,
  };
}
