// A mergeable latency histogram: log-spaced buckets 2% wide from 10 µs to ~10 min, so percentiles are
// within 2% whatever the range, and workers can ship sparse deltas to the coordinator cheaply.
const MIN_MS = 0.01;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(600_000 / MIN_MS) / LOG_GROWTH) + 1;

/** [bucket, count] pairs of the buckets that are not empty. */
export type SparseCounts = [number, number][];

export class Histogram {
  private counts = new Float64Array(BUCKETS);
  count = 0;
  max = 0;
  private sum = 0;

  record(ms: number) {
    const value = Math.max(ms, MIN_MS);
    const bucket = Math.min(BUCKETS - 1, Math.ceil(Math.log(value / MIN_MS) / LOG_GROWTH));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  /** The upper edge of the bucket holding the q-th quantile (0 < q ≤ 1); 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(MIN_MS * GROWTH ** i, this.max);
    }
    return this.max;
  }

  get mean() {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /** The non-empty buckets with max and sum, and resets this histogram (a delta since the last take). */
  take(): { counts: SparseCounts; max: number; sum: number } {
    const counts: SparseCounts = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) counts.push([i, this.counts[i] as number]);
    const out = { counts, max: this.max, sum: this.sum };
    this.counts = new Float64Array(BUCKETS);
    this.count = 0;
    this.max = 0;
    this.sum = 0;
    return out;
  }

  add(delta: { counts: SparseCounts; max: number; sum: number }) {
    for (const [bucket, n] of delta.counts) {
      this.counts[bucket] = (this.counts[bucket] ?? 0) + n;
      this.count += n;
    }
    this.sum += delta.sum;
    if (delta.max > this.max) this.max = delta.max;
  }

  /** Adds another histogram's counts to this one (the other is left as it is). */
  merge(other: Histogram) {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
    this.count += other.count;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }

  summary() {
    const round = (v: number) => Math.round(v * 100) / 100;
    return {
      count: this.count,
      p50: round(this.quantile(0.5)),
      p95: round(this.quantile(0.95)),
      p99: round(this.quantile(0.99)),
      max: round(this.max),
      mean: round(this.mean),
    };
  }
}

export type LatencySummary = ReturnType<Histogram["summary"]>;
