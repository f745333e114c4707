// Scenario 3: the highest send rate that one API node + the persister hold with ≤ 1 s persister lag for a
// full window, with every accepted message in PostgreSQL afterwards. Rates are probed in short steps, then
// the best one is held for the whole window (stepping down 20% once if the hold fails).
import os from "node:os";
import { type BenchContext, Cluster, log } from "../lib/cluster.js";
import { describeCores } from "../lib/cpu.js";
import { LagSampler } from "../lib/lag.js";
import { addAccepted, type PhaseResult, round, runPhase } from "../lib/phase.js";
import { metric, type ScenarioResult } from "../lib/report.js";
import { committedEvents, seedChannels, seedMembers, seedUsers, sourceAddress } from "../lib/seed.js";
import { checkDelivery } from "../lib/verify.js";

const SENDERS_PER_CHANNEL = 10;
const MAX_LAG_MS = 1000;

interface Step {
  rate: number;
  seconds: number;
  passed: boolean;
  why: string;
  acksPerSec: number;
  lagP99: number;
  lagMax: number;
  ackP99: number;
  deliverP99: number;
  drainSeconds: number;
  cores: Record<string, number>;
  errors: Record<string, number>;
}

export async function ingestScenario(ctx: BenchContext): Promise<Partial<ScenarioResult>> {
  const channelCount = ctx.quick ? 20 : 100;
  const probeRates = ctx.quick
    ? [100, 200, 500, 1000]
    : [100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10_000];
  const probeMs = ctx.quick ? 5000 : 15_000;
  const holdMs = ctx.quick ? 10_000 : 60_000;
  const cluster = await Cluster.start("ingest", ctx, { nodes: 1 });
  try {
    const db = cluster.stack.db;
    const channels = await seedChannels(db, channelCount, "ingest");
    const senders = await seedUsers(db, channelCount * SENDERS_PER_CHANNEL, "sender");
    const receivers = await seedUsers(db, channelCount, "receiver");
    await seedMembers(db, [
      ...senders.map((u, i) => ({ channelId: channels[i % channelCount] as string, userId: u.id })),
      ...receivers.map((u, k) => ({ channelId: channels[k] as string, userId: u.id })),
    ]);
    const pool = cluster.loadPool(ctx.workers);
    const specs = [
      ...senders.map((u) => ({ token: u.token, group: "sender", resume: false })),
      ...receivers.map((u) => ({ token: u.token, group: "receiver", resume: true })),
    ].map((s, i) => ({ ...s, localAddress: sourceAddress(i) }));
    const connected = await pool.connect(cluster.api.url, specs);
    if (connected.failed > 0)
      throw new Error(`${connected.failed} sockets failed: ${connected.firstErrors.join("; ")}`);
    // Let the node finish the connections' own work (presence, resume) before measuring.
    await new Promise((r) => setTimeout(r, 5000));
    const targets = senders.map((_, i) => ({
      ...(connected.placement[i] as { worker: number; client: number }),
      channelId: channels[i % channelCount] as string,
    }));
    const lag = new LagSampler(db, channels, pool).start();
    const accepted: Record<string, number> = {};
    let unanswered = 0;
    const parties = { api: [cluster.api.pid], persister: [cluster.persister?.pid ?? 0], "load generators": pool.pids };

    const step = async (rate: number, ms: number, tag: string): Promise<Step> => {
      log("ingest", `${tag}: ${rate} sends/s for ${ms / 1000} s`);
      const r: PhaseResult = await runPhase(pool, {
        scenario: "ingest",
        targets,
        ratePerSec: rate,
        warmupMs: 2000,
        measureMs: ms,
        tag,
        bodyBytes: 100,
        lag,
        groups: ["receiver"],
        parties,
        cluster,
        profileLabel: `ingest: ${tag} ${rate}/s`,
      });
      const lagSummary = lag.samples.summary();
      addAccepted(accepted, r.accepted);
      unanswered += r.errors.no_reply ?? 0;
      // Let the persister catch up before the next step, so one step's backlog is not charged to the next.
      const total = Object.values(accepted).reduce((a, b) => a + b, 0);
      const drainStarted = performance.now();
      while ((await committedEvents(db, channels)) < total && performance.now() - drainStarted < 120_000)
        await new Promise((res) => setTimeout(res, 250));
      const drainSeconds = (performance.now() - drainStarted) / 1000;
      const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
      const why = [
        r.acksPerSec < 0.95 * rate ? `accepted only ${Math.round(r.acksPerSec)}/s` : "",
        errors > 0 ? `${errors} send errors` : "",
        lagSummary.max > MAX_LAG_MS ? `persister lag reached ${Math.round(lagSummary.max)} ms` : "",
      ].filter(Boolean);
      const result: Step = {
        rate,
        seconds: round(r.seconds, 1),
        passed: why.length === 0,
        why: why.join(", ") || "held",
        acksPerSec: round(r.acksPerSec),
        lagP99: lagSummary.p99,
        lagMax: lagSummary.max,
        ackP99: r.window.ackLatency.summary().p99,
        deliverP99: r.window.latencyOf(["receiver"]).summary().p99,
        drainSeconds: round(drainSeconds, 1),
        cores: r.cores,
        errors: r.errors,
      };
      log(
        "ingest",
        `${tag} ${rate}/s: ${result.why} (acks ${Math.round(r.acksPerSec)}/s, lag max ${Math.round(lagSummary.max)} ms, ack p99 ${result.ackP99} ms)`,
      );
      return result;
    };

    const steps: Step[] = [];
    let best = 0;
    for (const rate of probeRates) {
      const s = await step(rate, probeMs, "probe");
      steps.push(s);
      if (!s.passed) break;
      best = rate;
    }
    let held: Step | undefined;
    for (const rate of best > 0 ? [best, Math.round(best * 0.8)] : []) {
      const s = await step(rate, holdMs, "hold");
      steps.push(s);
      if (s.passed) {
        held = s;
        break;
      }
    }
    lag.stop();
    log("ingest", "checking that every accepted message is stored and delivered");
    const check = await checkDelivery(pool, db, channels, accepted, { unanswered });
    const h = held;
    return {
      metrics: [
        ctx.quick
          ? metric("highest rate held with lag ≤ 1 s", h?.rate ?? 0, "msg/s")
          : metric(`highest rate held ${holdMs / 1000} s with lag ≤ 1 s`, h?.rate ?? 0, "msg/s", { atLeast: 5000 }),
        metric(`highest probe passed (${probeMs / 1000} s)`, best, "msg/s"),
        metric("accepted at the held rate", h?.acksPerSec ?? 0, "msg/s"),
        metric("persister lag p99", h?.lagP99 ?? 0, "ms"),
        metric("persister lag max", h?.lagMax ?? 0, "ms", { atMost: MAX_LAG_MS }),
        metric("send→ack p99", h?.ackP99 ?? 0, "ms"),
        metric("send→stored→delivered p99", h?.deliverP99 ?? 0, "ms"),
        metric("stored = accepted (count checked)", check.stored, `of ${check.accepted}`),
        { name: "CPU cores at that rate", value: h ? describeCores(h.cores, os.cpus().length) : "" },
      ],
      problems: check.problems,
      notes: [
        `${channelCount} channels, ${SENDERS_PER_CHANNEL} sending sockets each (no resume) and 1 receiving socket each.`,
        `Steps: ${steps.map((s) => `${s.rate}/s ${s.seconds} s → ${s.why}`).join("; ")}.`,
      ],
      config: {
        channels: channelCount,
        senders: senders.length,
        probeSeconds: probeMs / 1000,
        holdSeconds: holdMs / 1000,
        steps,
      },
      profiles: await cluster.stop(),
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
