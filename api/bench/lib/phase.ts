// One fixed-rate sending phase: warm up, then measure a window (rates, latencies, CPU, persister lag) while
// printing progress, then wait for every send's reply. Deliveries still in flight are checked afterwards.
import type { LoadPool, Window } from "../load/pool.js";
import { log } from "./cluster.js";
import { type Parties, PartyMeter } from "./cpu.js";
import type { LagSampler } from "./lag.js";
import { monotonicUs } from "./profile.js";
import { type Metric, metric } from "./report.js";

export interface PhaseOptions {
  scenario: string;
  targets: { worker: number; client: number; channelId: string; mention?: string }[];
  ratePerSec: number;
  warmupMs: number;
  measureMs: number;
  tag: string;
  bodyBytes: number;
  /** Delivery groups whose latency is reported (e.g. only receivers on other nodes). */
  groups?: string[];
  lag?: LagSampler;
  /** The suite's processes by party (API nodes, persister, load generators) for CPU use per party. */
  parties: Parties;
  /** Told the measured span, so CPU profiles are summarized over it. */
  cluster?: { noteWindow(label: string, from: number, to: number): void };
  /** Label of the measured span in profiles; default "<scenario>: <tag>". */
  profileLabel?: string;
}

export interface PhaseResult {
  window: Window;
  seconds: number;
  sendsPerSec: number;
  acksPerSec: number;
  deliveriesPerSec: number;
  cores: Record<string, number>;
  accepted: Record<string, number>;
  sent: number;
  acked: number;
  errors: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runPhase(pool: LoadPool, opts: PhaseOptions): Promise<PhaseResult> {
  const sending = pool.send(opts.targets, {
    ratePerSec: opts.ratePerSec,
    durationMs: opts.warmupMs + opts.measureMs,
    tag: opts.tag,
    bodyBytes: opts.bodyBytes,
  });
  await sleep(opts.warmupMs);
  pool.resetWindow();
  opts.lag?.reset();
  const cpu = new PartyMeter(opts.parties);
  const from = monotonicUs();
  const progress = setInterval(() => {
    const w = pool.window;
    const s = w.seconds;
    const latency = w.latencyOf(opts.groups).summary();
    log(
      opts.scenario,
      `${opts.tag}: ${Math.round(s)} s  sends ${Math.round(w.sent / s)}/s  acks ${Math.round(w.acked / s)}/s  ` +
        `deliveries ${Math.round(w.deliveredTotal(opts.groups) / s)}/s  p99 ${latency.p99} ms  errors ${w.errorTotal()}`,
    );
  }, 5000);
  await sleep(opts.measureMs);
  clearInterval(progress);
  opts.cluster?.noteWindow(opts.profileLabel ?? `${opts.scenario}: ${opts.tag}`, from, monotonicUs());
  const window = pool.window;
  const seconds = window.seconds;
  const cores = cpu.cores();
  pool.resetWindow();
  const sent = await sending;
  return {
    window,
    seconds,
    sendsPerSec: window.sent / seconds,
    acksPerSec: window.acked / seconds,
    deliveriesPerSec: window.deliveredTotal(opts.groups) / seconds,
    cores,
    accepted: sent.accepted,
    sent: sent.sent,
    acked: sent.acked,
    errors: sent.errors,
  };
}

/** Sums per-channel accepted counts of several phases. */
export function addAccepted(into: Record<string, number>, more: Record<string, number>) {
  for (const [c, n] of Object.entries(more)) into[c] = (into[c] ?? 0) + n;
  return into;
}

export const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

export interface CapacityStep {
  rate: number;
  sendsPerSec: number;
  acksPerSec: number;
  deliveriesPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  settleSeconds: number;
  passed: boolean;
  why: string;
  cores: Record<string, number>;
}

/**
 * Steps the send rate up until a step misses the latency bound (p99 of the measured groups), loses
 * sends, or cannot be accepted at the asked rate; the backlog drains (settle) before the next step.
 * Returns every step and the highest rate that passed (0 when none did).
 */
export async function findCapacity(
  pool: LoadPool,
  base: Omit<PhaseOptions, "ratePerSec" | "tag">,
  rates: number[],
  maxP99: number,
  settle: () => Promise<number>,
  accepted: Record<string, number>,
): Promise<{ steps: CapacityStep[]; best: CapacityStep | undefined; unanswered: number }> {
  const steps: CapacityStep[] = [];
  let unanswered = 0;
  for (const rate of rates) {
    const r = await runPhase(pool, {
      ...base,
      ratePerSec: rate,
      tag: `step ${rate}/s`,
      profileLabel: `${base.scenario}: capacity steps`,
    });
    addAccepted(accepted, r.accepted);
    unanswered += r.errors.no_reply ?? 0;
    const settleSeconds = await settle();
    const latency = r.window.latencyOf(base.groups).summary();
    const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
    const why = [
      r.acksPerSec < 0.95 * rate ? `accepted only ${Math.round(r.acksPerSec)}/s` : "",
      errors > 0 ? `${errors} send errors` : "",
      latency.p99 > maxP99 ? `p99 ${latency.p99} ms` : "",
    ].filter(Boolean);
    const step: CapacityStep = {
      rate,
      sendsPerSec: round(r.sendsPerSec),
      acksPerSec: round(r.acksPerSec),
      deliveriesPerSec: round(r.deliveriesPerSec),
      p50: latency.p50,
      p99: latency.p99,
      errors,
      settleSeconds,
      passed: why.length === 0,
      why: why.join(", ") || "held",
      cores: r.cores,
    };
    log(
      base.scenario,
      `step ${rate} sends/s: ${step.why} (deliveries ${Math.round(r.deliveriesPerSec)}/s, p99 ${latency.p99} ms)`,
    );
    steps.push(step);
    if (!step.passed) break;
  }
  return { steps, best: steps.filter((s) => s.passed).at(-1), unanswered };
}

/** The capacity rows: the best step's rate and p99, or which step already missed and by how much. */
export function capacityMetrics(
  name: string,
  capacity: { steps: CapacityStep[]; best: CapacityStep | undefined },
  rateOf: (step: CapacityStep) => number,
): Metric[] {
  const { best } = capacity;
  if (best) return [metric(name, rateOf(best), "/s"), metric("p99 at that rate", best.p99, "ms")];
  const first = capacity.steps[0];
  const why = first ? `the first step (${Math.round(rateOf(first))}/s) missed: ${first.why}` : "no step ran";
  return [{ name, value: `none — ${why}` }];
}
