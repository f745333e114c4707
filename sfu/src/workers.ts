// One mediasoup worker per core (SFU_WORKERS). A call's router lives on the least loaded worker; a worker
// that dies takes its calls with it (their rooms end with reason workerDied) and is replaced.

import type { types as ms } from "mediasoup";
import * as mediasoup from "mediasoup";
import type { Logger } from "pino";
import type { SfuConfig } from "./config.js";

type Slot = { index: number; worker: ms.Worker; routers: number };

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private closing = false;

  private constructor(
    private readonly config: SfuConfig,
    private readonly log: Logger,
  ) {}

  static async start(config: SfuConfig, log: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(config, log);
    for (let i = 0; i < config.SFU_WORKERS; i++) pool.slots.push(await pool.spawn(i));
    log.info({ workers: config.SFU_WORKERS, version: mediasoup.version }, "mediasoup workers started");
    return pool;
  }

  get size() {
    return this.slots.length;
  }

  /** Each worker gets its own slice of the RTC port range, so they never race for a port. */
  private portRange(index: number) {
    const { SFU_RTC_MIN_PORT: min, SFU_RTC_MAX_PORT: max, SFU_WORKERS: n } = this.config;
    const span = Math.floor((max - min + 1) / n);
    if (span < 2) return { rtcMinPort: min, rtcMaxPort: max };
    return { rtcMinPort: min + index * span, rtcMaxPort: index === n - 1 ? max : min + (index + 1) * span - 1 };
  }

  private async spawn(index: number): Promise<Slot> {
    let worker: ms.Worker;
    try {
      worker = await mediasoup.createWorker({ logLevel: "warn", ...this.portRange(index) });
    } catch (error) {
      throw new Error(
        `could not start the mediasoup worker (${String(error)}); build it with ops/mediasoup/build.sh and set MEDIASOUP_WORKER_BIN to the path it prints`,
      );
    }
    const slot: Slot = { index, worker, routers: 0 };
    worker.on("died", (error) => {
      this.log.error({ err: error, pid: worker.pid, index }, "mediasoup worker died");
      if (this.closing) return;
      setTimeout(() => {
        this.spawn(index)
          .then((fresh) => {
            this.slots[this.slots.indexOf(slot)] = fresh;
            this.log.warn({ pid: fresh.worker.pid, index }, "mediasoup worker replaced");
          })
          .catch((err: unknown) => this.log.error({ err, index }, "could not replace a dead mediasoup worker"));
      }, 1000).unref();
    });
    return slot;
  }

  /** A router on the worker hosting the fewest; released when the router closes. */
  async createRouter(mediaCodecs: ms.RtpCodecCapability[]): Promise<ms.Router> {
    const live = this.slots.filter((s) => !s.worker.died);
    const slot = live.sort((a, b) => a.routers - b.routers)[0];
    if (!slot) throw new Error("no live mediasoup worker");
    const router = await slot.worker.createRouter({ mediaCodecs });
    slot.routers++;
    router.observer.once("close", () => slot.routers--);
    return router;
  }

  /** CPU seconds each worker has used (user + system), for node info and the benchmark. */
  async usage(): Promise<{ pid: number; cpuSeconds: number; routers: number }[]> {
    return Promise.all(
      this.slots.map(async (s) => {
        const ru = await s.worker.getResourceUsage();
        return { pid: s.worker.pid, cpuSeconds: (ru.ru_utime + ru.ru_stime) / 1000, routers: s.routers };
      }),
    );
  }

  close() {
    this.closing = true;
    for (const s of this.slots) s.worker.close();
  }
}
