// The live operations feed of one API node: every OPS_PUSH_MS it reads the nodes' heartbeats into a
// 15-minute series, and while admins are subscribed, reads the rest of the cluster's state and sends it to
// each of them. Each subscriber is checked as they are now before every send: a demoted admin, or an
// ended session, stops receiving at the next tick.
import { currentUser } from "../accounts/current-user.js";
import { isAdmin } from "../admin/guard.js";
import type { SocketContext } from "../realtime/handlers.js";
import type { Services } from "../services.js";
import { readHeartbeats } from "./heartbeat.js";
import { nodesAt, pointOf, readSnapshot } from "./snapshot.js";
import type { OpsPoint, OpsSnapshot, SfuStatus } from "./types.js";

export const HISTORY_MS = 15 * 60 * 1000;

export class OpsFeed {
  private readonly subscribers = new Map<string, SocketContext>();
  private readonly history: OpsPoint[] = [];
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    private readonly services: Services,
    private readonly sfus: () => Promise<SfuStatus[]>,
  ) {}

  start() {
    this.timer = setInterval(() => void this.tick(), this.services.config.OPS_PUSH_MS);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
    this.subscribers.clear();
  }

  get settings() {
    const { OPS_PUSH_MS, OPS_NODE_STALE_MS, OPS_HEARTBEAT_MS } = this.services.config;
    return { intervalMs: OPS_PUSH_MS, heartbeatMs: OPS_HEARTBEAT_MS, staleAfterMs: OPS_NODE_STALE_MS };
  }

  /** The caller was checked by the handler; from now on, at every tick. */
  async subscribe(ctx: SocketContext): Promise<{ history: OpsPoint[]; snapshot: OpsSnapshot }> {
    this.subscribers.set(ctx.connectionId, ctx);
    const snapshot = await this.read();
    return { history: [...this.history], snapshot };
  }

  unsubscribe(connectionId: string) {
    return this.subscribers.delete(connectionId);
  }

  private async read(): Promise<OpsSnapshot> {
    const now = Date.now();
    const nodes = nodesAt(await readHeartbeats(this.services), now, this.services.config.OPS_NODE_STALE_MS);
    return readSnapshot(this.services, nodes, this.sfus);
  }

  /** One tick at a time: on a loaded machine a slow one is skipped, not stacked. */
  async tick() {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.tickOnce();
    } catch (err) {
      this.services.logger.warn({ err }, "live operations tick failed");
    } finally {
      this.ticking = false;
    }
  }

  private async tickOnce() {
    const now = Date.now();
    if (this.subscribers.size === 0) {
      const nodes = nodesAt(await readHeartbeats(this.services), now, this.services.config.OPS_NODE_STALE_MS);
      this.record(pointOf(nodes, now, null));
      return;
    }
    const snapshot = await this.read();
    const point = pointOf(snapshot.nodes, snapshot.at, snapshot.persister.totalLag);
    this.record(point);
    const watching = await this.stillAllowed();
    for (const ctx of watching) ctx.send({ type: "opsSample", point, snapshot });
  }

  private record(point: OpsPoint) {
    this.history.push(point);
    while (this.history.length > 0 && (this.history[0]?.t ?? 0) < point.t - HISTORY_MS) this.history.shift();
  }

  /** The subscribers whose socket is open and who are admins with a live session now; the rest are dropped. */
  private async stillAllowed(): Promise<SocketContext[]> {
    const checks = [...this.subscribers].map(async ([id, ctx]) => {
      if (ctx.isClosed()) return this.subscribers.delete(id) && null;
      try {
        const user = await currentUser(this.services.sql, ctx.sessionId, ctx.user.id);
        if (isAdmin(user.role)) return ctx;
      } catch {
        // signed out, deactivated or banned: the socket itself closes at its next frame
      }
      this.subscribers.delete(id);
      return null;
    });
    return (await Promise.all(checks)).filter((c): c is SocketContext => c !== null);
  }
}
