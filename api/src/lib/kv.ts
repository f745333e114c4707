// Small shared, expiring state across API nodes: rate-limit windows, send reservations, presence.
// Redis in production; an in-process map for the single-node embedded default. Same interface.
import type { Redis } from "ioredis";

export interface Kv {
  /** Counts a hit in the current fixed window; returns the count and the ms left in the window. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
  /** Stores value unless the key exists; returns the existing value, or null when this call stored it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<string | null>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Sets one member of a set with its own expiry (presence: one member per connection). */
  touchMember(key: string, member: string, ttlMs: number): Promise<void>;
  removeMember(key: string, member: string): Promise<void>;
  /** Members whose expiry has not passed (expired ones are dropped). */
  liveMembers(key: string): Promise<string[]>;
  /** Removes and returns the members whose expiry has passed. */
  popExpiredMembers(key: string): Promise<string[]>;
}

export class RedisKv implements Kv {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async popExpiredMembers(key: string) {
    const k = this.prefix + key;
    const now = Date.now();
    const [[, members]] = (await this.redis.multi().zrangebyscore(k, 0, now).zremrangebyscore(k, 0, now).exec()) as [
      [null, string[]],
      unknown,
    ];
    return members;
  }

  async hit(key: string, windowMs: number) {
    const k = this.prefix + key;
    const [[, count], [, ttl]] = (await this.redis.multi().incr(k).pttl(k).exec()) as [[null, number], [null, number]];
    if (ttl < 0) {
      await this.redis.pexpire(k, windowMs);
      return { count, resetMs: windowMs };
    }
    return { count, resetMs: ttl };
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

  // A sorted set scored by expiry time; the key itself expires when its last member would.
  async touchMember(key: string, member: string, ttlMs: number) {
    const k = this.prefix + key;
    await this.redis
      .multi()
      .zadd(k, Date.now() + ttlMs, member)
      .pexpire(k, ttlMs)
      .exec();
  }

  async removeMember(key: string, member: string) {
    await this.redis.zrem(this.prefix + key, member);
  }

  async liveMembers(key: string) {
    const k = this.prefix + key;
    const now = Date.now();
    const [, [, members]] = (await this.redis.multi().zremrangebyscore(k, 0, now).zrange(k, 0, -1).exec()) as [
      unknown,
      [null, string[]],
    ];
    return members;
  }
}

export class MemoryKv implements Kv {
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

  async touchMember(key: string, member: string, ttlMs: number) {
    const set = this.sets.get(key) ?? new Map<string, number>();
    set.set(member, Date.now() + ttlMs);
    this.sets.set(key, set);
  }

  async removeMember(key: string, member: string) {
    this.sets.get(key)?.delete(member);
  }

  async liveMembers(key: string) {
    const set = this.sets.get(key);
    if (!set) return [];
    const now = Date.now();
    for (const [member, expiresAt] of set) if (expiresAt <= now) set.delete(member);
    return [...set.keys()];
  }
}
