// Small shared, expiring state across API nodes: rate-limit windows, send reservations, presence.
// Redis in production; an in-process map for the single-node embedded default. Same interface.
import type { ChainableCommander, Cluster, Redis } from "ioredis";
import { groupBy } from "./group-by.js";
import { MemoryNodeCounts, type NodeCounts, RedisNodeCounts } from "./node-counts.js";
import { SETTLE_STATUS_LUA, type Settled, type Status, type StatusEntry, statusFrom } from "./presence-status.js";

/** One member of one expiring set (presence: a connection id in presence:<user>). */
export interface KvMember {
  key: string;
  member: string;
}

export interface Kv {
  /** Counts a hit in the current fixed window; returns the count and the ms left in the window. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
  /** The current window's count without counting (0 when none), and the ms left in it. */
  hits(key: string): Promise<{ count: number; resetMs: number }>;
  /** Stores value unless the key exists; returns the existing value, or null when this call stored it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<string | null>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Removes and returns the members whose expiry has passed. */
  popExpiredMembers(key: string): Promise<string[]>;
  // Batches: one call for many keys, in as few round trips as the store allows (presence of 20,000 sockets).
  /** Sets each member of its key's set with an expiry, the same for all (presence: one member per socket). */
  touchMembers(entries: readonly KvMember[], ttlMs: number): Promise<void>;
  removeMembers(entries: readonly KvMember[]): Promise<void>;
  /** The members of each key whose expiry has not passed, in the order of keys. */
  liveMembersOf(keys: readonly string[]): Promise<string[][]>;
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  setMany(entries: readonly { key: string; value: string }[], ttlMs: number): Promise<void>;
  /**
   * Presence: for each user, removes the sockets that left, works out its status from what is left and
   * stores it when it changed (lib/presence-status.ts), each user atomically. In the order of entries.
   */
  settleStatuses(entries: readonly StatusEntry[], statusTtlMs: number): Promise<Settled[]>;
  /** Counts kept per node and summed across live ones (socket quotas): lib/node-counts.ts. */
  readonly nodeCounts: NodeCounts;
}

/** Commands per pipeline: one round trip each, and a bounded write buffer however large the batch. */
export const PIPELINE_COMMANDS = 2000;
/** Members per ZADD/ZREM, so no single command blocks Redis for long. */
export const MEMBERS_PER_COMMAND = 500;

export const membersByKey = (entries: readonly KvMember[]) =>
  groupBy(
    entries,
    (e) => e.key,
    (e) => e.member,
  );

export function* chunks<T>(items: readonly T[], size: number) {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The status script as a command of the client (ioredis sends EVALSHA, loading the script where missing). */
const SETTLE_COMMAND = "parleySettleStatus";
export type SettleArgs = [sockets: string, away: string, status: string, now: number, ttlMs: number, ...left: string[]];
export type SettlingClient = Record<typeof SETTLE_COMMAND, (...args: SettleArgs) => Promise<[Status, Status]>>;
export const settling = (client: unknown) => (client as SettlingClient)[SETTLE_COMMAND].bind(client);

export class RedisKv implements Kv {
  readonly nodeCounts: NodeCounts;

  constructor(
    protected readonly redis: Redis | Cluster,
    protected readonly prefix: string,
  ) {
    this.nodeCounts = new RedisNodeCounts(redis, prefix);
    if (!(SETTLE_COMMAND in redis)) redis.defineCommand(SETTLE_COMMAND, { numberOfKeys: 3, lua: SETTLE_STATUS_LUA });
  }

  protected settleArgs(entry: StatusEntry, now: number, ttlMs: number): SettleArgs {
    const p = this.prefix;
    return [p + entry.sockets, p + entry.away, p + entry.status, now, ttlMs, ...entry.remove];
  }

  async popExpiredMembers(key: string) {
    const k = this.prefix + key;
    const now = Date.now();
    const [[, members]] = (await this.redis.multi().zrangebyscore(k, 0, now).zremrangebyscore(k, 0, now).exec()) as [
      [null, string[]],
      unknown,
    ];
    return members;
  }

  // Runs on every send: INCR and PTTL leave together (auto-pipelined, one round trip, no MULTI). A window
  // without expiry — its first hit, or a crash between INCR and PEXPIRE — gets one.
  async hit(key: string, windowMs: number) {
    const k = this.prefix + key;
    const [count, ttl] = await Promise.all([this.redis.incr(k), this.redis.pttl(k)]);
    if (ttl < 0) {
      await this.redis.pexpire(k, windowMs);
      return { count, resetMs: windowMs };
    }
    return { count, resetMs: ttl };
  }

  async hits(key: string) {
    const k = this.prefix + key;
    const [count, ttl] = await Promise.all([this.redis.get(k), this.redis.pttl(k)]);
    return { count: Number(count ?? 0), resetMs: Math.max(0, ttl) };
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    const k = this.prefix + key;
    const stored = await this.redis.set(k, value, "PX", ttlMs, "NX");
    return stored === "OK" ? null : await this.redis.get(k);
  }

  get(key: string) {
    return this.redis.get(this.prefix + key);
  }

  async set(key: string, value: string, ttlMs: number) {
    await this.redis.set(this.prefix + key, value, "PX", ttlMs);
  }

  async del(key: string) {
    await this.redis.del(this.prefix + key);
  }

  // A sorted set scored by expiry time. The key outlives its last member by one ttl, so a sweep still finds
  // (and announces) members that expired because nobody renewed them.
  async touchMembers(entries: readonly KvMember[], ttlMs: number) {
    const expiresAt = Date.now() + ttlMs;
    await this.pipelined(membersByKey(entries), (pipeline, [key, members]) => {
      const k = this.prefix + key;
      for (const chunk of chunks(members, MEMBERS_PER_COMMAND)) {
        pipeline.zadd(k, ...chunk.flatMap((member) => [expiresAt, member]));
      }
      pipeline.pexpire(k, ttlMs * 2);
    });
  }

  async removeMembers(entries: readonly KvMember[]) {
    await this.pipelined(membersByKey(entries), (pipeline, [key, members]) => {
      for (const chunk of chunks(members, MEMBERS_PER_COMMAND)) pipeline.zrem(this.prefix + key, ...chunk);
    });
  }

  // Read-only (one ZRANGEBYSCORE per key): expired members are left for the key's own expiry to drop.
  async liveMembersOf(keys: readonly string[]) {
    const now = Date.now();
    const replies = await this.pipelined(
      keys,
      (pipeline, key) => void pipeline.zrangebyscore(this.prefix + key, `(${now}`, "+inf"),
    );
    return replies as string[][];
  }

  async getMany(keys: readonly string[]) {
    const replies = await this.pipelined(
      chunks(keys, MEMBERS_PER_COMMAND),
      (pipeline, chunk) => void pipeline.mget(chunk.map((key) => this.prefix + key)),
    );
    return (replies as (string | null)[][]).flat();
  }

  async setMany(entries: readonly { key: string; value: string }[], ttlMs: number) {
    await this.pipelined(
      entries,
      (pipeline, { key, value }) => void pipeline.set(this.prefix + key, value, "PX", ttlMs),
    );
  }

  async settleStatuses(entries: readonly StatusEntry[], statusTtlMs: number) {
    const now = Date.now();
    const replies = await this.pipelined(
      entries,
      (pipeline, entry) => void settling(pipeline)(...this.settleArgs(entry, now, statusTtlMs)),
    );
    return (replies as [Status, Status][]).map(([status, previous]) => ({ status, previous }));
  }

  /** Adds each item's commands to pipelines of about PIPELINE_COMMANDS, sent one after another; returns every reply in order. */
  private async pipelined<T>(items: Iterable<T>, add: (pipeline: ChainableCommander, item: T) => void) {
    const replies: unknown[] = [];
    let pipeline = this.redis.pipeline();
    const send = async () => {
      for (const [err, reply] of (await pipeline.exec()) ?? []) {
        if (err) throw err;
        replies.push(reply);
      }
      pipeline = this.redis.pipeline();
    };
    for (const item of items) {
      add(pipeline, item);
      if (pipeline.length >= PIPELINE_COMMANDS) await send();
    }
    if (pipeline.length > 0) await send();
    return replies;
  }
}

export class MemoryKv implements Kv {
  readonly nodeCounts: NodeCounts = new MemoryNodeCounts();

  async popExpiredMembers(key: string) {
    const set = this.sets.get(key);
    if (!set) return [];
    const now = Date.now();
    const expired = [...set].filter(([, expiresAt]) => expiresAt <= now).map(([member]) => member);
    for (const member of expired) set.delete(member);
    return expired;
  }

  private readonly values = new Map<string, { value: string; expiresAt: number }>();
  private readonly sets = new Map<string, Map<string, number>>();

  private live(key: string) {
    const entry = this.values.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.values.delete(key);
      return undefined;
    }
    return entry;
  }

  async hit(key: string, windowMs: number) {
    const entry = this.live(key);
    if (!entry) {
      this.values.set(key, { value: "1", expiresAt: Date.now() + windowMs });
      return { count: 1, resetMs: windowMs };
    }
    entry.value = String(Number(entry.value) + 1);
    return { count: Number(entry.value), resetMs: entry.expiresAt - Date.now() };
  }

  async hits(key: string) {
    const entry = this.live(key);
    return entry ? { count: Number(entry.value), resetMs: entry.expiresAt - Date.now() } : { count: 0, resetMs: 0 };
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    const entry = this.live(key);
    if (entry) return entry.value;
    this.values.set(key, { value, expiresAt: Date.now() + ttlMs });
    return null;
  }

  async get(key: string) {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs: number) {
    this.values.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  async del(key: string) {
    this.values.delete(key);
  }

  async touchMembers(entries: readonly KvMember[], ttlMs: number) {
    const expiresAt = Date.now() + ttlMs;
    for (const { key, member } of entries) {
      const set = this.sets.get(key) ?? new Map<string, number>();
      set.set(member, expiresAt);
      this.sets.set(key, set);
    }
  }

  async removeMembers(entries: readonly KvMember[]) {
    for (const { key, member } of entries) this.sets.get(key)?.delete(member);
  }

  async liveMembersOf(keys: readonly string[]) {
    const now = Date.now();
    return keys.map((key) => {
      const set = this.sets.get(key);
      if (!set) return [];
      for (const [member, expiresAt] of set) if (expiresAt <= now) set.delete(member);
      return [...set.keys()];
    });
  }

  getMany(keys: readonly string[]) {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  async setMany(entries: readonly { key: string; value: string }[], ttlMs: number) {
    for (const { key, value } of entries) await this.set(key, value, ttlMs);
  }

  async settleStatuses(entries: readonly StatusEntry[], statusTtlMs: number) {
    return Promise.all(
      entries.map(async (entry) => {
        await this.removeMembers(
          entry.remove.flatMap((member) => [
            { key: entry.sockets, member },
            { key: entry.away, member },
          ]),
        );
        const [live = [], away = []] = await this.liveMembersOf([entry.sockets, entry.away]);
        const status = statusFrom(live, new Set(away));
        const previous = ((await this.get(entry.status)) ?? "offline") as Status;
        if (previous !== status) await this.set(entry.status, status, statusTtlMs);
        return { status, previous };
      }),
    );
  }
}
