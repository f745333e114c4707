// Parley beside the peer (issue #19): the common design — Socket.IO 4 + @socket.io/redis-adapter, one
// room per channel, each message produced to Kafka (bench/peer/server.ts) — on one node each, driven by the
// same load processes in the same run. Both populations are connected at once (their own users and
// channels, same shape), then each round runs every rate on Parley and then on the peer, so the machine's
// other load falls on both alike. Reports the same columns for both and Parley/peer.
import os from "node:os";
import { freePort } from "../../test/support/processes.js";
import { type BenchContext, Cluster, log } from "../lib/cluster.js";
import { describeCores } from "../lib/cpu.js";
import { addAccepted, round, runPhase } from "../lib/phase.js";
import { familyOf, type NodeProcess, spawnNode, usageOf } from "../lib/processes.js";
import { type Metric, metric, type ScenarioResult } from "../lib/report.js";
import { seedChannels, seedMembers, seedUsers, sourceAddress } from "../lib/seed.js";
import { checkDelivery } from "../lib/verify.js";
import type { LoadPool } from "../load/pool.js";

const MEMBERS = 100;
/** Cores counted as the server's: the product's own processes and the services each design needs. */
const SERVICES = ["postgresql", "redis", "kafka"];

type Side = "parley" | "peer";
interface Population {
  url: string;
  channels: string[];
  targets: { worker: number; client: number; channelId: string }[];
  pids: number[];
  rssBefore: number;
  rssIdle: number;
  sockets: number;
  failed: string[];
}
interface Sample {
  deliveriesPerSec: number;
  sendsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  serverCores: number;
  cores: Record<string, number>;
}

async function populate(
  ctx: BenchContext,
  cluster: Cluster,
  pool: LoadPool,
  side: Side,
  server: { url: string; pids: number[] },
): Promise<Population> {
  const db = cluster.stack.db;
  const userCount = ctx.quick ? 1000 : 5000;
  const channelCount = ctx.quick ? 20 : 200;
  const users = await seedUsers(db, userCount, side);
  const channels = await seedChannels(db, channelCount, side);
  const memberOf = (k: number, j: number) => (k * MEMBERS + j) % userCount;
  await seedMembers(
    db,
    channels.flatMap((channelId, k) =>
      Array.from({ length: MEMBERS }, (_, j) => ({
        channelId,
        userId: (users[memberOf(k, j)] as { id: string }).id,
      })),
    ),
  );
  // The node's workers too, when it runs several processes (`--env API_PROCESSES=2`).
  const rss = () => server.pids.flatMap(familyOf).reduce((s, pid) => s + usageOf(pid).rssBytes, 0);
  const rssBefore = rss();
  log("peer", `${side}: connecting ${userCount} sockets`);
  const protocol = side === "peer" ? "socket.io" : "parley";
  const connected = await pool.connect(
    server.url,
    users.map((u, i) => ({ token: u.token, group: side, resume: true, localAddress: sourceAddress(i), protocol })),
    25,
  );
  const failed =
    connected.failed > 0
      ? [`${side}: ${connected.failed} sockets failed to connect: ${connected.firstErrors.join("; ")}`]
      : [];
  for (const f of failed) log("peer", f);
  // One sender per channel (its first member), as in the comparison.
  const targets = channels.map((channelId, k) => ({
    ...(connected.placement[memberOf(k, 0)] as { worker: number; client: number }),
    channelId,
  }));
  // RSS as an operator sees it: no forced GC, after the connect ramp's presence updates settled.
  await new Promise((r) => setTimeout(r, ctx.quick ? 5000 : 15_000));
  const rssIdle = rss();
  return {
    url: server.url,
    channels,
    targets,
    pids: server.pids,
    rssBefore,
    rssIdle,
    sockets: connected.connected,
    failed,
  };
}

/**
 * The peer has no store: each channel's counter is what it broadcast. Every socket of a channel must reach
 * the same count, at least what was acknowledged and at most that plus the sends left without a reply
 * (broadcast, ack lost in the wait), with no gap and no repeat.
 */
async function checkPeer(
  pool: LoadPool,
  accepted: Record<string, number>,
  unanswered: number,
  channels: string[],
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const results = await pool.verify();
    const problems: string[] = [];
    let behind = 0;
    for (const channelId of channels) {
      const want = accepted[channelId] ?? 0;
      const checks = results.flatMap((r) => (r.channels[channelId] ? [r.channels[channelId]] : []));
      const top = Math.max(0, ...checks.map((c) => c.maxLast));
      for (const c of checks) {
        if (c.minLast < Math.max(want, top)) behind += c.sockets;
        if (c.gaps > 0 || c.duplicates > 0)
          problems.push(`peer channel ${channelId}: ${c.gaps} gaps, ${c.duplicates} duplicates`);
      }
      if (top > want + unanswered)
        problems.push(`peer channel ${channelId}: seq ${top} > ${want} accepted + ${unanswered} unanswered`);
    }
    if (behind === 0 || Date.now() > deadline) {
      if (behind > 0) problems.push(`peer: ${behind} socket-channels behind after ${timeoutMs} ms`);
      return problems;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function peerScenario(ctx: BenchContext): Promise<Partial<ScenarioResult>> {
  const cluster = await Cluster.start("peer", ctx, { nodes: 1 });
  let peer: NodeProcess | undefined;
  try {
    const port = await freePort();
    const { env } = cluster.stack;
    peer = await spawnNode({
      name: "peer",
      entry: "bench/peer/server.ts",
      env: {
        PORT: String(port),
        DATABASE_URL: env.DATABASE_URL as string,
        REDIS_URL: env.REDIS_URL as string,
        KAFKA_BROKERS: env.KAFKA_BROKERS as string,
        PEER_PREFIX: env.KAFKA_TOPIC_PREFIX as string,
      },
      readyText: "peer ready",
      port,
    });
    await new Promise((r) => setTimeout(r, 3000));
    const pool = cluster.loadPool(ctx.workers);
    const sides: Record<Side, Population> = {
      parley: await populate(ctx, cluster, pool, "parley", { url: cluster.api.url, pids: [cluster.api.pid] }),
      peer: await populate(ctx, cluster, pool, "peer", { url: peer.url, pids: [peer.pid] }),
    };
    const parties = {
      api: [cluster.api.pid],
      persister: [cluster.persister?.pid ?? 0],
      peer: [peer.pid],
      "load generators": pool.pids,
    };
    const own: Record<Side, string[]> = { parley: ["api", "persister"], peer: ["peer"] };

    // 100 and 200 sends/s (10,000 and 20,000 deliveries/s) are held on a 2-core machine with the load generators
    // beside; 500 is past saturation there (both designs queue; 1,000 built backlogs the peer lost sockets to).
    const rates = ctx.quick ? [50, 100] : [100, 200, 500];
    const rounds = ctx.quick ? 1 : 2;
    const accepted: Record<Side, Record<string, number>> = { parley: {}, peer: {} };
    const unanswered: Record<Side, number> = { parley: 0, peer: 0 };
    const errors: Record<Side, Record<string, number>> = { parley: {}, peer: {} };
    const samples: Record<string, Sample[]> = {};
    const problems: string[] = [...sides.parley.failed, ...sides.peer.failed];
    for (let round_ = 1; round_ <= rounds; round_++) {
      for (const rate of rates) {
        for (const side of ["parley", "peer"] as const) {
          log("peer", `round ${round_}: ${side} at ${rate} sends/s (${rate * MEMBERS} deliveries/s asked)`);
          const r = await runPhase(pool, {
            scenario: "peer",
            targets: sides[side].targets,
            ratePerSec: rate,
            warmupMs: ctx.quick ? 2000 : 3000,
            measureMs: ctx.quick ? 8000 : 20_000,
            tag: `${side} ${rate}/s r${round_}`,
            bodyBytes: 100,
            groups: [side],
            parties,
          });
          addAccepted(accepted[side], r.accepted);
          unanswered[side] += r.errors.no_reply ?? 0;
          addAccepted(errors[side], r.errors);
          const latency = r.window.latencyOf([side]).summary();
          const serverCores = [...own[side], ...SERVICES].reduce((s, p) => s + (r.cores[p] ?? 0), 0);
          const key = `${side}@${rate}`;
          samples[key] = [
            ...(samples[key] ?? []),
            {
              deliveriesPerSec: r.deliveriesPerSec,
              sendsPerSec: r.sendsPerSec,
              p50: latency.p50,
              p99: latency.p99,
              errors: Object.values(r.errors).reduce((a, b) => a + b, 0),
              serverCores,
              cores: r.cores,
            },
          ];
          // Drain before the other side runs, so neither pays for the other's backlog.
          if (side === "parley") {
            const c = await checkDelivery(pool, cluster.stack.db, sides.parley.channels, accepted.parley, {
              timeoutMs: 180_000,
              final: false,
              unanswered: unanswered.parley,
            });
            problems.push(...c.problems);
          } else
            problems.push(...(await checkPeer(pool, accepted.peer, unanswered.peer, sides.peer.channels, 180_000)));
        }
      }
    }
    log("peer", "checking every delivery");
    const final = await checkDelivery(pool, cluster.stack.db, sides.parley.channels, accepted.parley, {
      timeoutMs: 180_000,
      unanswered: unanswered.parley,
    });
    problems.push(
      ...final.problems,
      ...(await checkPeer(pool, accepted.peer, unanswered.peer, sides.peer.channels, 60_000)),
    );
    return {
      metrics: rows(samples, sides, rates),
      problems: [...new Set(problems)],
      notes: notes(ctx, rounds),
      config: { rates, rounds, samples, sendErrors: errors },
    };
  } finally {
    await peer?.stop();
    await cluster.stop();
  }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

function rows(samples: Record<string, Sample[]>, sides: Record<Side, Population>, rates: number[]): Metric[] {
  const out: Metric[] = [];
  const ratio = (name: string, parley: number, peer: number) =>
    metric(`${name} Parley/peer`, peer > 0 ? parley / peer : 0, "×");
  for (const rate of rates) {
    const at = `@${rate} sends/s`;
    const of = (side: Side) => samples[`${side}@${rate}`] ?? [];
    const avg = (side: Side, f: (s: Sample) => number) => mean(of(side).map(f));
    const perCoreSecond = (side: Side) => avg(side, (s) => s.deliveriesPerSec / Math.max(0.01, s.serverCores));
    const cpuPerK = (side: Side) => avg(side, (s) => (1000 * s.serverCores * 1000) / Math.max(1, s.deliveriesPerSec));
    for (const side of ["parley", "peer"] as const) {
      out.push(
        metric(
          `${side}: deliveries/s ${at}`,
          avg(side, (s) => s.deliveriesPerSec),
          "/s",
        ),
        metric(
          `${side}: send→deliver p50 ${at}`,
          avg(side, (s) => s.p50),
          "ms",
        ),
        metric(
          `${side}: send→deliver p99 ${at}`,
          avg(side, (s) => s.p99),
          "ms",
        ),
        metric(`${side}: server CPU per 1,000 deliveries ${at}`, cpuPerK(side), "ms"),
        metric(`${side}: deliveries per server-core-second ${at}`, perCoreSecond(side), "/s"),
        metric(
          `${side}: send errors ${at}`,
          avg(side, (s) => s.errors),
          "",
        ),
        {
          name: `${side}: CPU cores ${at} (last run)`,
          value: describeCores(of(side).at(-1)?.cores ?? {}, os.cpus().length),
        },
      );
    }
    out.push(
      ratio(
        `deliveries/s ${at}`,
        avg("parley", (s) => s.deliveriesPerSec),
        avg("peer", (s) => s.deliveriesPerSec),
      ),
      ratio(`deliveries per server-core-second ${at}`, perCoreSecond("parley"), perCoreSecond("peer")),
    );
  }
  const perSocket = (p: Population) => (p.rssIdle - p.rssBefore) / Math.max(1, p.sockets) / 1024;
  for (const side of ["parley", "peer"] as const) {
    const p = sides[side];
    out.push(
      metric(`${side}: RSS of the fresh server before any socket`, p.rssBefore / 2 ** 20, "MB"),
      metric(`${side}: RSS per idle socket, ${p.sockets} sockets, no forced GC`, perSocket(p), "KB"),
    );
  }
  out.push(
    ratio("RSS per idle socket", perSocket(sides.parley), perSocket(sides.peer)),
    ratio("RSS of the fresh server", sides.parley.rssBefore, sides.peer.rssBefore),
  );
  return out.map((m) => ("value" in m && typeof m.value === "number" ? { ...m, value: round(m.value) } : m));
}

function notes(ctx: BenchContext, rounds: number) {
  const processes = ctx.env.API_PROCESSES ?? "1";
  return [
    `Parley's API node: API_PROCESSES=${processes}` +
      (processes === "1"
        ? " (one process)."
        : "; its CPU and RSS are the primary's and its workers' together (the per-core figures of all cores)."),
    `One API node + a standalone persister (Parley) and one Socket.IO process (the peer, bench/peer/server.ts), ` +
      `each with its own ${ctx.quick ? "1,000" : "5,000"} users and ${ctx.quick ? 20 : 200} channels × ${MEMBERS} members, ` +
      `one sender per channel, all connected at once; ${rounds} interleaved round(s) per rate (Parley, then the peer), figures are means.`,
    "Server CPU = the design's own processes (Parley: API node + persister; the peer: its process) + PostgreSQL + Redis + Kafka " +
      "during the window (the services are shared; the side not sending is idle). The load generators' share is in the CPU cores row.",
    "Parley stores every message, numbers it gap-free per channel and can resume a socket; the peer produces to Kafka and " +
      "broadcasts, nothing more. Both are checked: every accepted message reached every member socket once, in order.",
    "RSS per idle socket = (RSS after the connect ramp and 15 s idle − RSS before any socket) / sockets, no forced GC, " +
      "of the process holding the sockets (Parley: the API node, not its persister).",
  ];
}
