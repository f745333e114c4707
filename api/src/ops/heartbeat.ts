// Each API node's heartbeat, published through Redis (the shared Kv) every OPS_HEARTBEAT_MS: an index of
// node ids and one record per node. A node that dies keeps its last record until NODE_FORGET_MS, so the
// dashboard shows it down (red) rather than silently dropping it; a node that stops cleanly removes itself.
import type { Services } from "../services.js";
import { CpuMeter, takeInterval } from "./node-stats.js";
import type { NodeHeartbeat } from "./types.js";

export const NODES_INDEX = "ops:nodes";
export const nodeKey = (nodeId: string) => `ops:node:${nodeId}`;
/** How long a silent node stays on the dashboard (shown down) before it is forgotten. */
export const NODE_FORGET_MS = 10 * 60 * 1000;

export class HeartbeatPublisher {
  private timer?: NodeJS.Timeout;
  private readonly cpu = new CpuMeter();
  private readonly startedAt = Date.now();
  private lastAt = Date.now();

  constructor(
    private readonly services: Services,
    private readonly sockets: () => number,
  ) {}

  start() {
    const every = this.services.config.OPS_HEARTBEAT_MS;
    this.timer = setInterval(() => void this.beat().catch(this.warn), every);
    this.timer.unref();
    void this.beat().catch(this.warn);
  }

  private readonly warn = (err: unknown) => this.services.logger.warn({ err }, "ops heartbeat failed");

  current(): NodeHeartbeat {
    const now = Date.now();
    const { accepted, latency } = takeInterval();
    const seconds = Math.max(0.001, (now - this.lastAt) / 1000);
    this.lastAt = now;
    const memory = process.memoryUsage();
    return {
      nodeId: this.services.config.NODE_ID,
      startedAt: this.startedAt,
      at: now,
      sockets: this.sockets(),
      cpuPercent: this.cpu.percent(),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      messagesPerSecond: Math.round((accepted / seconds) * 10) / 10,
      latency,
    };
  }

  async beat() {
    const beat = this.current();
    const { kv } = this.services;
    await Promise.all([
      kv.set(nodeKey(beat.nodeId), JSON.stringify(beat), NODE_FORGET_MS),
      kv.touchMembers([{ key: NODES_INDEX, member: beat.nodeId }], NODE_FORGET_MS),
    ]);
  }

  /** Stopping cleanly (drain): off the dashboard at once, not shown as a failure. */
  async stop() {
    clearInterval(this.timer);
    const { kv, config } = this.services;
    await Promise.all([
      kv.del(nodeKey(config.NODE_ID)),
      kv.removeMembers([{ key: NODES_INDEX, member: config.NODE_ID }]),
    ]).catch(this.warn);
  }
}

/** Every node's last heartbeat (those not yet forgotten). */
export async function readHeartbeats(services: Services): Promise<NodeHeartbeat[]> {
  const [ids = []] = await services.kv.liveMembersOf([NODES_INDEX]);
  if (ids.length === 0) return [];
  const values = await services.kv.getMany(ids.map(nodeKey));
  const beats: NodeHeartbeat[] = [];
  for (const value of values) {
    if (!value) continue;
    try {
      beats.push(JSON.parse(value) as NodeHeartbeat);
    } catch {
      // a record this version cannot read: left out
    }
  }
  return beats.sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}
