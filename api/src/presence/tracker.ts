// Presence across tabs and nodes. Each socket is a member of presence:<user> with an expiry this node
// renews in pipelined passes; a user is online while any socket is, away when every
// socket says so, offline when none is left. A node that crashes stops renewing: a sweeper (one node at a
// time) finds expired users and announces them offline. Sockets that connect or close together (a node
// starting or stopping) are handled in batches, so 20,000 of them cost a few round trips, not 20,000.
// Renewal is spread over its period in RENEW_SLICES slices: one pass over 20,000 sockets took ~200 ms of
// CPU plus the garbage it left, and deliveries queued behind it (BENCHMARKS.md, finding 11).

import { Batches } from "../lib/batches.js";
import { groupBy } from "../lib/group-by.js";
import type { Connection } from "../realtime/connection.js";
import type { PresenceHooks } from "../realtime/hub.js";
import type { PresenceStatus } from "../realtime/protocol.js";
import type { Services } from "../services.js";
import { announceChanges, awayKey, ONLINE_INDEX, socketsKey, statusesOf, statusKey } from "./announce.js";

/** What presence needs of a socket. */
export type PresenceSocket = Pick<Connection, "id" | "userId">;

type Change = { kind: "join" | "leave"; socket: PresenceSocket } | { kind: "renew"; slice: number };

/** Each socket is renewed once every ttl/3, in one of this many slices renewed one after another. */
const RENEW_SLICES = 15;

/** How long shutdown() waits for this node's users to be announced offline before giving up. */
const SHUTDOWN_WAIT_MS = 3000;

export class PresenceTracker implements PresenceHooks {
  private sweeper?: NodeJS.Timeout;
  private renewer?: NodeJS.Timeout;
  /** Set by stop(): a pass already in flight when it is called must not arm the next one. */
  private stopped = false;
  private readonly ttl: number;
  /** The local sockets in RENEW_SLICES slices, assigned round-robin as they connect. */
  private readonly slices = Array.from({ length: RENEW_SLICES }, () => new Map<string, PresenceSocket>());
  /** Each local socket's slice, by socket id. */
  private readonly sliceOf = new Map<string, number>();
  private nextSlice = 0;
  /** Ids of local sockets that said away: renewed with the rest, without asking Redis. */
  private readonly away = new Set<string>();
  private readonly changes = new Batches<Change>((changes) => this.apply(changes));

  constructor(private readonly services: Services) {
    this.ttl = services.config.PRESENCE_TTL_MS;
  }

  async connected(socket: PresenceSocket) {
    const slice = this.nextSlice++ % RENEW_SLICES;
    this.sliceOf.set(socket.id, slice);
    this.slices[slice]?.set(socket.id, socket);
    await this.changes.add({ kind: "join", socket });
  }

  /** The socket's own heartbeat is for liveness; presence is renewed on its own, faster clock. */
  async heartbeat(_socket: PresenceSocket) {}

  async disconnected(socket: PresenceSocket) {
    const slice = this.sliceOf.get(socket.id);
    if (slice === undefined) return; // already gone with shutdown()
    this.sliceOf.delete(socket.id);
    this.slices[slice]?.delete(socket.id);
    this.away.delete(socket.id);
    await this.changes.add({ kind: "leave", socket });
  }

  async setStatus(userId: string, connectionId: string, status: "online" | "away"): Promise<PresenceStatus> {
    const { kv } = this.services;
    const member = { key: awayKey(userId), member: connectionId };
    if (status === "away") {
      if (this.sliceOf.has(connectionId)) this.away.add(connectionId);
      await kv.touchMembers([member], this.ttl);
    } else {
      this.away.delete(connectionId);
      await kv.removeMembers([member]);
    }
    return (await announceChanges(this.services, [userId])).get(userId) ?? "offline";
  }

  async statusOf(userId: string): Promise<PresenceStatus> {
    const [status] = await statusesOf(this.services.kv, [userId]);
    return status ?? "offline";
  }

  /** Members of the channel who are online now (for @here). */
  async onlineMembers(channelId: string): Promise<string[]> {
    const { rows } = await this.services.sql.query<{ userId: string }>(
      `SELECT "userId" FROM "ChannelMember" WHERE "channelId" = $1::uuid`,
      [channelId],
    );
    const statuses = await this.services.kv.getMany(rows.map((r) => statusKey(r.userId)));
    return rows.filter((_, i) => statuses[i] === "online").map((r) => r.userId);
  }

  /**
   * Renews one slice of this node's sockets every ttl/3/RENEW_SLICES (so each socket every ttl/3) and
   * sweeps every ttl/4, each pass starting only after the last one finished: a crashed node's users go
   * offline within 1.25 ttl.
   */
  start() {
    this.stopped = false;
    const warn = (what: string) => (err: unknown) => this.services.logger.warn({ err }, `presence ${what} failed`);
    let next = 0;
    const renewLater = () => {
      if (this.stopped) return;
      this.renewer = setTimeout(
        () =>
          void this.changes
            .add({ kind: "renew", slice: next++ % RENEW_SLICES })
            .catch(warn("renewal"))
            .finally(renewLater),
        this.ttl / 3 / RENEW_SLICES,
      );
      this.renewer.unref();
    };
    const sweepLater = () => {
      if (this.stopped) return;
      this.sweeper = setTimeout(() => void this.sweep().catch(warn("sweep")).finally(sweepLater), this.ttl / 4);
      this.sweeper.unref();
    };
    renewLater();
    sweepLater();
  }

  /**
   * Stops renewing and sweeping for good (what a crash does too: this node's users expire after the ttl).
   * A pass in flight finishes but arms no further one.
   */
  stop() {
    this.stopped = true;
    clearTimeout(this.renewer);
    clearTimeout(this.sweeper);
  }

  /**
   * Node shutdown: stops, then every local socket leaves in one batch, so co-members see this node's users
   * go offline now rather than after the ttl. Sockets closing afterwards cost nothing here. Never rejects.
   */
  async shutdown() {
    this.stop();
    const leaving = this.slices.flatMap((slice) =>
      [...slice.values()].map((socket) => ({ kind: "leave" as const, socket })),
    );
    this.sliceOf.clear();
    for (const slice of this.slices) slice.clear();
    this.away.clear();
    const left = this.changes.add(...leaving).then(
      () => true,
      (err) => {
        this.services.logger.warn({ err }, "presence shutdown failed");
        return true;
      },
    );
    const done = await Promise.race([
      left,
      new Promise<false>((resolve) => setTimeout(() => resolve(false), SHUTDOWN_WAIT_MS).unref()),
    ]);
    // Those not announced show offline once their entries expire (PRESENCE_TTL_MS), swept by another node.
    if (!done)
      this.services.logger.warn(
        { sockets: leaving.length, waitedMs: SHUTDOWN_WAIT_MS },
        "presence shutdown: the leaves were not all announced in time",
      );
  }

  /** One renewal pass over every local socket at once (start() spreads the same over ttl/3). */
  renew() {
    return this.changes.add(...this.slices.map((_, slice) => ({ kind: "renew" as const, slice })));
  }

  async sweep() {
    const { kv, config } = this.services;
    if ((await kv.setIfAbsent("presence:sweep-lock", config.NODE_ID, Math.floor(this.ttl / 4) - 500)) !== null) return;
    await announceChanges(this.services, await kv.popExpiredMembers(ONLINE_INDEX));
  }

  /** Applies a batch in one pipeline of touches, then settles (the leaves removed) and announces the users who joined or left. */
  private async apply(changes: Change[]) {
    const last = new Map<string, Change & { kind: "join" | "leave" }>();
    for (const change of changes) if (change.kind !== "renew") last.set(change.socket.id, change);
    const settled = [...last.values()];
    const touched = new Map<string, PresenceSocket>();
    for (const change of changes)
      if (change.kind === "renew") for (const [id, socket] of this.slices[change.slice] ?? []) touched.set(id, socket);
    const joined = settled.filter((c) => c.kind === "join").map((c) => c.socket);
    for (const socket of joined) touched.set(socket.id, socket);
    const left = settled.filter((c) => c.kind === "leave").map((c) => c.socket);
    await this.touch([...touched.values()]);
    await announceChanges(
      this.services,
      settled.map((c) => c.socket.userId),
      groupBy(
        left,
        (s) => s.userId,
        (s) => s.id,
      ),
    );
  }

  /** Renews the sockets, the away marks of those that said away, and their users in the online index. */
  private async touch(sockets: PresenceSocket[]) {
    if (sockets.length === 0) return;
    const users = new Set(sockets.map((s) => s.userId));
    await this.services.kv.touchMembers(
      [
        ...sockets.map((s) => ({ key: socketsKey(s.userId), member: s.id })),
        ...sockets.filter((s) => this.away.has(s.id)).map((s) => ({ key: awayKey(s.userId), member: s.id })),
        ...[...users].map((userId) => ({ key: ONLINE_INDEX, member: userId })),
      ],
      this.ttl,
    );
  }
}
