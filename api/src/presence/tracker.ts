// Presence across tabs and nodes. Each socket is a member of presence:<user> with an expiry its heartbeat
// renews; a user is online while any socket is, away when every socket says so, offline when none is left.
// A node that crashes stops renewing: a sweeper (one node at a time) finds expired users and announces
// them offline. Changes go to the ephemeral topics of the user's channels (sockets of co-members).
import type { Connection } from "../realtime/connection.js";
import { publishEphemeral } from "../realtime/ephemeral.js";
import type { PresenceHooks } from "../realtime/hub.js";
import type { PresenceStatus } from "../realtime/protocol.js";
import type { Services } from "../services.js";

const ONLINE_INDEX = "presence:online";
const socketsKey = (userId: string) => `presence:${userId}`;
const awayKey = (userId: string) => `presence-away:${userId}`;
const statusKey = (userId: string) => `presence-status:${userId}`;

export class PresenceTracker implements PresenceHooks {
  private sweeper?: NodeJS.Timeout;
  private renewer?: NodeJS.Timeout;
  private readonly ttl: number;
  private readonly local = new Set<Connection>();

  constructor(private readonly services: Services) {
    this.ttl = services.config.PRESENCE_TTL_MS;
  }

  async connected(connection: Connection) {
    this.local.add(connection);
    await this.renew(connection.userId, connection.id);
    await this.publishIfChanged(connection.userId);
  }

  /** The socket's own heartbeat is for liveness; presence is renewed on its own, faster clock. */
  async heartbeat(_connection: Connection) {}

  private async renewLocal() {
    const { kv } = this.services;
    for (const connection of this.local) {
      await this.renew(connection.userId, connection.id);
      if ((await kv.liveMembers(awayKey(connection.userId))).includes(connection.id)) {
        await kv.touchMember(awayKey(connection.userId), connection.id, this.ttl);
      }
    }
  }

  async disconnected(connection: Connection) {
    this.local.delete(connection);
    const { kv } = this.services;
    await kv.removeMember(socketsKey(connection.userId), connection.id);
    await kv.removeMember(awayKey(connection.userId), connection.id);
    await this.publishIfChanged(connection.userId);
  }

  async setStatus(userId: string, connectionId: string, status: "online" | "away"): Promise<PresenceStatus> {
    const { kv } = this.services;
    if (status === "away") await kv.touchMember(awayKey(userId), connectionId, this.ttl);
    else await kv.removeMember(awayKey(userId), connectionId);
    return this.publishIfChanged(userId);
  }

  async statusOf(userId: string): Promise<PresenceStatus> {
    const { kv } = this.services;
    const sockets = await kv.liveMembers(socketsKey(userId));
    if (sockets.length === 0) return "offline";
    const away = new Set(await kv.liveMembers(awayKey(userId)));
    return sockets.every((id) => away.has(id)) ? "away" : "online";
  }

  /** Members of the channel who are online now (for @here). */
  async onlineMembers(channelId: string): Promise<string[]> {
    const members = await this.services.db.channelMember.findMany({ where: { channelId }, select: { userId: true } });
    const statuses = await Promise.all(
      members.map(async (m) => [m.userId, await this.services.kv.get(statusKey(m.userId))] as const),
    );
    return statuses.filter(([, status]) => status === "online").map(([userId]) => userId);
  }

  /** Renews this node's sockets every ttl/3 and sweeps every ttl/4: a crashed node's users go offline within 1.25 ttl. */
  start() {
    const warn = (what: string) => (err: unknown) => this.services.logger.warn({ err }, `presence ${what} failed`);
    this.renewer = setInterval(() => void this.renewLocal().catch(warn("renewal")), Math.floor(this.ttl / 3));
    this.sweeper = setInterval(() => void this.sweep().catch(warn("sweep")), Math.floor(this.ttl / 4));
    this.renewer.unref();
    this.sweeper.unref();
  }

  stop() {
    clearInterval(this.renewer);
    clearInterval(this.sweeper);
  }

  async sweep() {
    const { kv, config } = this.services;
    if ((await kv.setIfAbsent("presence:sweep-lock", config.NODE_ID, Math.floor(this.ttl / 4) - 500)) !== null) return;
    for (const userId of await kv.popExpiredMembers(ONLINE_INDEX)) await this.publishIfChanged(userId);
  }

  private async renew(userId: string, connectionId: string) {
    const { kv } = this.services;
    await kv.touchMember(socketsKey(userId), connectionId, this.ttl);
    await kv.touchMember(ONLINE_INDEX, userId, this.ttl);
  }

  private async publishIfChanged(userId: string): Promise<PresenceStatus> {
    const { kv, db, bus } = this.services;
    const status = await this.statusOf(userId);
    const previous = (await kv.get(statusKey(userId))) ?? "offline";
    if (previous === status) return status;
    await kv.set(statusKey(userId), status, 24 * 60 * 60 * 1000);
    let lastSeenAt: string | null = null;
    if (status === "offline") {
      const now = new Date();
      await db.user.update({ where: { id: userId }, data: { lastSeenAt: now } }).catch(() => {});
      lastSeenAt = now.toISOString();
    }
    const channels = await db.channelMember.findMany({ where: { userId }, select: { channelId: true } });
    await publishEphemeral(
      bus,
      channels.map((c) => c.channelId),
      { type: "presence", userId, status, lastSeenAt },
    );
    return status;
  }
}
