// One mediasoup worker per core (SFU_WORKERS), each with a WebRtcServer: all of a worker's WebRTC
// transports share its one UDP and one TCP port (SFU_RTC_PORT + index), so a firewall opens a port per
// worker, not a range. A call's router lives on the least loaded worker; a worker that dies takes its
// calls with it (their rooms end with reason workerDied) and is replaced on the same port.
import type { types as ms } from "mediasoup";
import * as mediasoup from "mediasoup";
import type { Logger } from "pino";
import type { SfuConfig } from "./config.js";

type Slot = { index: number; worker: ms.Worker; webRtcServer: ms.WebRtcServer; routers: number };

/** A call's router and the WebRtcServer its transports listen through. */
export type Placement = { router: ms.Router; webRtcServer: ms.WebRtcServer };

/** How long after a death the replacement is started (a worker that dies at once must not spin). */
const REPLACE_AFTER_MS = 1000;

export class WorkerPool {
  private readonly slots: Slot[] = [];
  /** Replacements under way, by slot index: a new call waits for one rather than failing. */
  private readonly replacing = new Map<number, Promise<Slot>>();
  private closing = false;

  private constructor(
    private readonly config: SfuConfig,
    private readonly log: Logger,
  ) {}

  static async start(config: SfuConfig, log: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(config, log);
    for (let i = 0; i < config.SFU_WORKERS; i++) pool.slots.push(await pool.spawn(i));
    log.info(
      {
        workers: config.SFU_WORKERS,
        version: mediasoup.version,
        media: `${config.SFU_ANNOUNCED_IP ?? config.SFU_LISTEN_IP}:${config.SFU_RTC_PORT}${config.SFU_WORKERS > 1 ? `-${config.SFU_RTC_PORT + config.SFU_WORKERS - 1}` : ""}`,
        udp: config.SFU_ENABLE_UDP,
        tcp: config.SFU_ENABLE_TCP,
      },
      "mediasoup workers started",
    );
    return pool;
  }

  get size() {
    return this.slots.length;
  }

  private listenInfos(index: number): ms.WebRtcServerListenInfo[] {
    const { SFU_LISTEN_IP: ip, SFU_ANNOUNCED_IP: announcedIp, SFU_RTC_PORT: base } = this.config;
    const port = base + index;
    const protocols: ms.TransportProtocol[] = [];
    if (this.config.SFU_ENABLE_UDP) protocols.push("udp");
    if (this.config.SFU_ENABLE_TCP) protocols.push("tcp");
    return protocols.map((protocol) => ({ protocol, ip, port, ...(announcedIp ? { announcedIp } : {}) }));
  }

  private async spawn(index: number): Promise<Slot> {
    let worker: ms.Worker;
    try {
      worker = await mediasoup.createWorker({ logLevel: "warn" });
    } catch (error) {
      throw new Error(
        `could not start the mediasoup worker (${String(error)}); build it with ops/mediasoup/build.sh and set MEDIASOUP_WORKER_BIN to the path it prints`,
      );
    }
    let webRtcServer: ms.WebRtcServer;
    try {
      webRtcServer = await worker.createWebRtcServer({ listenInfos: this.listenInfos(index) });
    } catch (error) {
      worker.close();
      throw new Error(
        `could not listen for media on port ${this.config.SFU_RTC_PORT + index} (${String(error)}); is another SFU using it? Set SFU_RTC_PORT`,
      );
    }
    const slot: Slot = { index, worker, webRtcServer, routers: 0 };
    worker.on("died", (error) => {
      this.log.error({ err: error, pid: worker.pid, index }, "mediasoup worker died");
      if (!this.closing) this.replace(slot);
    });
    return slot;
  }

  private replace(dead: Slot) {
    const pending = new Promise<void>((r) => setTimeout(r, REPLACE_AFTER_MS).unref())
      .then(() => this.spawn(dead.index))
      .then((fresh) => {
        this.slots[this.slots.indexOf(dead)] = fresh;
        this.log.warn({ pid: fresh.worker.pid, index: dead.index }, "mediasoup worker replaced");
        return fresh;
      })
      .finally(() => this.replacing.delete(dead.index));
    pending.catch((err: unknown) =>
      this.log.error({ err, index: dead.index }, "could not replace a dead mediasoup worker"),
    );
    this.replacing.set(dead.index, pending);
  }

  /** A router on the worker hosting the fewest (waiting for a replacement if none is alive). */
  async place(mediaCodecs: ms.RtpCodecCapability[]): Promise<Placement> {
    const live = this.slots.filter((s) => !s.worker.died && !s.worker.closed);
    let slot = live.sort((a, b) => a.routers - b.routers)[0];
    if (!slot) {
      const pending = [...this.replacing.values()][0];
      if (!pending) throw new Error("no live mediasoup worker");
      slot = await pending;
    }
    const router = await slot.worker.createRouter({ mediaCodecs });
    const placed = slot;
    placed.routers++;
    router.observer.once("close", () => placed.routers--);
    return { router, webRtcServer: placed.webRtcServer };
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
