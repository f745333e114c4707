// The coordinator's handle on its load-generator processes: forks them, spreads clients over them, sends
// commands, and merges their once-a-second stats into totals the scenarios read.
import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { Histogram } from "../lib/histogram.js";
import type {
  ClientSpec,
  Command,
  ConnectResult,
  SendResult,
  SendTarget,
  Stats,
  VerifyResult,
  WorkerMessage,
} from "./messages.js";

const workerEntry = path.join(import.meta.dirname, "worker.ts");

/** Counters merged from every worker since the last reset (a measurement window). */
export class Window {
  readonly startedAt = performance.now();
  sent = 0;
  acked = 0;
  errors: Record<string, number> = {};
  delivered: Record<string, number> = {};
  frames: Record<string, number> = {};
  readonly latency = new Map<string, Histogram>();
  readonly ackLatency = new Histogram();
  private readonly covered = new Map<number, number>();

  add(stats: Stats) {
    this.covered.set(stats.worker, (this.covered.get(stats.worker) ?? 0) + stats.intervalMs);
    this.sent += stats.sent;
    this.acked += stats.acked;
    for (const [code, n] of Object.entries(stats.errors)) this.errors[code] = (this.errors[code] ?? 0) + n;
    for (const [group, n] of Object.entries(stats.delivered)) this.delivered[group] = (this.delivered[group] ?? 0) + n;
    for (const [type, n] of Object.entries(stats.frames)) this.frames[type] = (this.frames[type] ?? 0) + n;
    for (const [group, delta] of Object.entries(stats.latency)) {
      const histogram = this.latency.get(group) ?? new Histogram();
      this.latency.set(group, histogram);
      histogram.add(delta);
    }
    this.ackLatency.add(stats.ackLatency);
  }

  /** The time the merged counters cover: each worker's stats intervals, averaged over the workers. */
  get seconds() {
    if (this.covered.size === 0) return (performance.now() - this.startedAt) / 1000;
    return [...this.covered.values()].reduce((a, b) => a + b, 0) / this.covered.size / 1000;
  }

  deliveredTotal(groups?: string[]) {
    return Object.entries(this.delivered)
      .filter(([g]) => !groups || groups.includes(g))
      .reduce((sum, [, n]) => sum + n, 0);
  }

  errorTotal() {
    return Object.values(this.errors).reduce((a, b) => a + b, 0);
  }

  /** Latency over the given groups (all when omitted). */
  latencyOf(groups?: string[]) {
    const merged = new Histogram();
    for (const [group, h] of this.latency) if (!groups || groups.includes(group)) merged.merge(h);
    return merged;
  }
}

interface WorkerHandle {
  child: ChildProcess;
  connected: number;
  closed: number;
  clients: number;
}

export class LoadPool {
  private readonly workers: WorkerHandle[] = [];
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  window = new Window();
  /** Everything since the pool started (for totals that span windows). */
  readonly lifetime = new Window();
  /** Accepted sends per 25 ms slot (epoch ms), from every worker since the start. */
  readonly accepts = new Map<number, number>();

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const child = fork(workerEntry, [], {
        execArgv: ["--import", "tsx", "--max-old-space-size=4096"],
        env: { ...process.env, BENCH_WORKER: String(i) },
        serialization: "advanced",
      });
      const handle: WorkerHandle = { child, connected: 0, closed: 0, clients: 0 };
      child.on("message", (message: WorkerMessage) => this.onMessage(handle, message));
      child.on("exit", (code) => {
        for (const w of this.waiting.values()) w.reject(new Error(`load worker ${i} exited (${code})`));
        this.waiting.clear();
      });
      this.workers.push(handle);
    }
  }

  get size() {
    return this.workers.length;
  }

  get connected() {
    return this.workers.reduce((sum, w) => sum + w.connected, 0);
  }

  get closed() {
    return this.workers.reduce((sum, w) => sum + w.closed, 0);
  }

  get pids() {
    return this.workers.map((w) => w.child.pid ?? 0);
  }

  private onMessage(worker: WorkerHandle, message: WorkerMessage) {
    if (message.type === "stats") {
      worker.connected = message.connected;
      worker.closed = message.closed;
      this.window.add(message);
      this.lifetime.add(message);
      for (const [at, n] of message.accepts) this.accepts.set(at, (this.accepts.get(at) ?? 0) + n);
      return;
    }
    const waiter = this.waiting.get(message.id);
    this.waiting.delete(message.id);
    if (message.ok) waiter?.resolve(message.result);
    else waiter?.reject(new Error(`load worker: ${message.error}`));
  }

  private call<T>(worker: number, command: Command): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.workers[worker]?.child.send({ ...command, id });
    });
  }

  /** When the n-th accepted send (1-based, in acceptance order) was accepted; undefined if not yet. */
  acceptedAt(n: number): number | undefined {
    let seen = 0;
    for (const at of [...this.accepts.keys()].sort((a, b) => a - b)) {
      seen += this.accepts.get(at) ?? 0;
      if (seen >= n) return at;
    }
    return undefined;
  }

  resetWindow() {
    this.window = new Window();
  }

  /**
   * Connects clients, spread round-robin over the workers. Returns where each client lives: worker and
   * index within it (the order of `specs` is kept per worker).
   */
  async connect(url: string, specs: ClientSpec[], concurrencyPerWorker = 50) {
    const perWorker: ClientSpec[][] = this.workers.map(() => []);
    const placement: { worker: number; client: number }[] = [];
    specs.forEach((spec, i) => {
      const worker = i % this.workers.length;
      const list = perWorker[worker] as ClientSpec[];
      const handle = this.workers[worker] as WorkerHandle;
      placement.push({ worker, client: handle.clients + list.length });
      list.push(spec);
    });
    const results = await Promise.all(
      perWorker.map((clients, w) =>
        clients.length === 0
          ? { connected: 0, failed: 0, firstErrors: [] }
          : this.call<ConnectResult>(w, { cmd: "connect", url, clients, concurrency: concurrencyPerWorker }),
      ),
    );
    perWorker.forEach((clients, w) => {
      (this.workers[w] as WorkerHandle).clients += clients.length;
    });
    return {
      placement,
      connected: results.reduce((s, r) => s + r.connected, 0),
      failed: results.reduce((s, r) => s + r.failed, 0),
      firstErrors: results.flatMap((r) => r.firstErrors).slice(0, 5),
    };
  }

  /** Sends at `ratePerSec` in total, split over the workers in proportion to their targets. */
  async send(
    targets: { worker: number; client: number; channelId: string; mention?: string }[],
    opts: { ratePerSec: number; durationMs: number; tag: string; bodyBytes: number },
  ) {
    const byWorker: SendTarget[][] = this.workers.map(() => []);
    for (const t of targets)
      byWorker[t.worker]?.push({
        client: t.client,
        channelId: t.channelId,
        ...(t.mention ? { mention: t.mention } : {}),
      });
    const results = await Promise.all(
      byWorker.map((list, w) =>
        list.length === 0
          ? { sent: 0, acked: 0, accepted: {}, errors: {} }
          : this.call<SendResult>(w, {
              cmd: "send",
              targets: list,
              ratePerSec: (opts.ratePerSec * list.length) / targets.length,
              durationMs: opts.durationMs,
              tag: opts.tag,
              bodyBytes: opts.bodyBytes,
            }),
      ),
    );
    const merged: SendResult = { sent: 0, acked: 0, accepted: {}, errors: {} };
    for (const r of results) {
      merged.sent += r.sent;
      merged.acked += r.acked;
      for (const [c, n] of Object.entries(r.accepted)) merged.accepted[c] = (merged.accepted[c] ?? 0) + n;
      for (const [c, n] of Object.entries(r.errors)) merged.errors[c] = (merged.errors[c] ?? 0) + n;
    }
    return merged;
  }

  async verify(): Promise<VerifyResult[]> {
    return Promise.all(this.workers.map((_, w) => this.call<VerifyResult>(w, { cmd: "verify" })));
  }

  async close() {
    await Promise.all(
      this.workers.map(async (w, i) => {
        if (w.child.exitCode !== null) return;
        const exited = new Promise((r) => w.child.once("exit", r));
        await this.call(i, { cmd: "close" }).catch(() => {});
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (w.child.exitCode === null) w.child.kill("SIGKILL");
      }),
    );
  }
}
