// This node's own numbers for its heartbeat: messages accepted and send → delivered latency since the last
// heartbeat, and CPU use. Counting is a few operations on the hot path; the work happens once per heartbeat.
import type { LatencySummary } from "./types.js";

/** Latency samples kept per interval; beyond it, a random one is replaced (a uniform reservoir). */
const MAX_SAMPLES = 5000;

let accepted = 0;
let seen = 0;
const samples: number[] = [];

/** A message was accepted (sendMessage on this node). */
export function countAcceptedMessage() {
  accepted++;
}

/** A committed message reached this node's fan-out, `ms` after it was accepted. */
export function sampleDeliveryLatency(ms: number) {
  seen++;
  if (samples.length < MAX_SAMPLES) samples.push(ms);
  else {
    const slot = Math.floor(Math.random() * seen);
    if (slot < MAX_SAMPLES) samples[slot] = ms;
  }
}

export const percentileOf = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null);

/** Takes what was counted since the last call and starts again. */
export function takeInterval(): { accepted: number; latency: LatencySummary } {
  const sorted = samples.splice(0).sort((a, b) => a - b);
  const out = {
    accepted,
    latency: { count: seen, p50Ms: percentileOf(sorted, 50), p99Ms: percentileOf(sorted, 99) },
  };
  accepted = 0;
  seen = 0;
  return out;
}

/** CPU use of this process as a percentage of one core since the previous call. */
export class CpuMeter {
  private last = process.cpuUsage();
  private lastAt = performance.now();

  percent() {
    const now = performance.now();
    const usage = process.cpuUsage(this.last);
    const elapsedMs = now - this.lastAt;
    this.last = process.cpuUsage();
    this.lastAt = now;
    return elapsedMs <= 0 ? 0 : Math.round(((usage.user + usage.system) / 1000 / elapsedMs) * 1000) / 10;
  }
}
