// Scenario 4: three API nodes sharing PostgreSQL, Redis and Kafka. Senders are on node 1 only (they do not
// resume, so they receive nothing); receivers are on nodes 2 and 3. Every message crosses Kafka, the
// persister and Redis before it reaches another node's sockets.
import os from "node:os";
import { type BenchContext, Cluster, log } from "../lib/cluster.js";
import { describeCores } from "../lib/cpu.js";
import { addAccepted, capacityMetrics, findCapacity, runPhase } from "../lib/phase.js";
import { metric, type ScenarioResult } from "../lib/report.js";
import { seedChannels, seedMembers, seedUsers, sourceAddress } from "../lib/seed.js";
import { checkDelivery } from "../lib/verify.js";

const RECEIVERS_PER_NODE = 2;
const SENDERS_PER_CHANNEL = 5;

export async function crossNodeScenario(ctx: BenchContext): Promise<Partial<ScenarioResult>> {
  const channelCount = ctx.quick ? 20 : 100;
  const rate = ctx.quick ? 200 : 1000;
  const measureMs = ctx.quick ? 10_000 : 60_000;
  const cluster = await Cluster.start("cross-node", ctx, { nodes: 3 });
  try {
    const db = cluster.stack.db;
    const channels = await seedChannels(db, channelCount, "cross");
    const senders = await seedUsers(db, channelCount * SENDERS_PER_CHANNEL, "sender");
    const receivers = await seedUsers(db, channelCount * RECEIVERS_PER_NODE * 2, "receiver");
    await seedMembers(db, [
      ...senders.map((u, i) => ({ channelId: channels[i % channelCount] as string, userId: u.id })),
      ...receivers.map((r, i) => ({ channelId: channels[i % channelCount] as string, userId: r.id })),
    ]);
    const pool = cluster.loadPool(ctx.workers);
    const [node1, node2, node3] = cluster.nodes as [typeof cluster.api, typeof cluster.api, typeof cluster.api];
    log(
      "cross-node",
      `connecting ${senders.length} senders to api-1 and ${receivers.length} receivers to api-2 and api-3`,
    );
    const sent = await pool.connect(
      node1.url,
      senders.map((u, i) => ({ token: u.token, group: "sender", resume: false, localAddress: sourceAddress(i) })),
    );
    const half = receivers.length / 2;
    const spec = (u: { token: string }, i: number) => ({
      token: u.token,
      group: "receiver",
      resume: true,
      localAddress: sourceAddress(i),
    });
    const [r2, r3] = await Promise.all([
      pool.connect(node2.url, receivers.slice(0, half).map(spec)),
      pool.connect(node3.url, receivers.slice(half).map(spec)),
    ]);
    const failed = sent.failed + r2.failed + r3.failed;
    if (failed > 0)
      throw new Error(`${failed} sockets failed to connect: ${[...sent.firstErrors, ...r2.firstErrors].join("; ")}`);
    // Let the node finish the connections' own work (presence, resume) before measuring.
    await new Promise((r) => setTimeout(r, 5000));
    const targets = senders.map((_, i) => ({
      ...(sent.placement[i] as { worker: number; client: number }),
      channelId: channels[i % channelCount] as string,
    }));
    const parties = {
      "api-1": [node1.pid],
      "api-2": [node2.pid],
      "api-3": [node3.pid],
      persister: [cluster.persister?.pid ?? 0],
      "load generators": pool.pids,
    };
    const accepted: Record<string, number> = {};
    const problems: string[] = [];
    let unanswered = 0;
    const settle = async () => {
      const c = await checkDelivery(pool, db, channels, accepted, { unanswered, timeoutMs: 180_000, final: false });
      problems.push(...c.problems);
      return c.settleSeconds;
    };
    const stepRates = ctx.quick ? [50, 100, 200, 400] : [100, 200, 400, 700, 1000, 1500, 2000];
    log("cross-node", `capacity at p99 ≤ 50 ms: steps of ${stepRates.join(", ")} sends/s`);
    const base = {
      scenario: "cross-node",
      targets,
      bodyBytes: 100,
      groups: ["receiver"],
      parties,
      cluster,
    };
    const capacity = await findCapacity(
      pool,
      { ...base, warmupMs: 2000, measureMs: ctx.quick ? 5000 : 10_000 },
      stepRates,
      50,
      settle,
      accepted,
    );
    unanswered += capacity.unanswered;
    log("cross-node", `${rate} sends/s for ${measureMs / 1000} s`);
    const r = await runPhase(pool, {
      ...base,
      ratePerSec: rate,
      warmupMs: ctx.quick ? 2000 : 5000,
      measureMs,
      tag: "cross",
    });
    addAccepted(accepted, r.accepted);
    unanswered += r.errors.no_reply ?? 0;
    log("cross-node", "checking every delivery");
    const check = await checkDelivery(pool, db, channels, accepted, { unanswered });
    const latency = r.window.latencyOf(["receiver"]).summary();
    const ack = r.window.ackLatency.summary();
    const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
    const at = `@${rate}/s`;
    return {
      metrics: [
        ...capacityMetrics("sends/s held with p99 ≤ 50 ms", capacity, (s) => s.acksPerSec),
        metric(`sends/s ${at}`, r.sendsPerSec, "/s"),
        metric(`deliveries/s (other nodes) ${at}`, r.deliveriesPerSec, "/s"),
        metric(`send→deliver p50 ${at}`, latency.p50, "ms"),
        metric(`send→deliver p95 ${at}`, latency.p95, "ms"),
        ctx.quick
          ? metric(`send→deliver p99 ${at}`, latency.p99, "ms")
          : metric(`send→deliver p99 ${at}`, latency.p99, "ms", { atMost: 50 }),
        metric(`send→ack p99 ${at}`, ack.p99, "ms"),
        metric(`send errors ${at}`, errors, ""),
        { name: `CPU cores ${at}`, value: describeCores(r.cores, os.cpus().length) },
        metric("deliveries checked", check.deliveries, ""),
      ],
      problems: [...problems, ...check.problems],
      notes: [
        `Each channel: ${SENDERS_PER_CHANNEL} senders on api-1 (not resumed: they receive nothing), ` +
          `${RECEIVERS_PER_NODE} receivers on api-2 and ${RECEIVERS_PER_NODE} on api-3; latency counted at the receivers.`,
      ],
      config: {
        nodes: 3,
        channels: channelCount,
        sendsPerSecAsked: rate,
        measureSeconds: measureMs / 1000,
        errors: r.errors,
        cores: r.cores,
        capacitySteps: capacity.steps,
      },
      profiles: await cluster.stop(),
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
