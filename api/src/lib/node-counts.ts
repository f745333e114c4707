// Counts that hold across API nodes and heal when a node dies (open sockets per user and per address,
// quotas/socket-counts.ts). Each node keeps its own counts in hashes of its own, and its name in an index
// scored by when it expires; a claim sums the counts of the nodes whose entry has not expired and adds to
// its own in the same Lua script, so two nodes cannot both take the last place. A node that dies stops
// renewing: its entry expires within ttlMs and its counts stop counting then (its hashes expire with it).
// All keys share the hash tag {node-counts}, so the script's keys live in one slot of a Redis Cluster.
import type { Cluster, Redis } from "ioredis";

/** One count to add to: `counter` names the kind ("user", "ip"), `field` whose it is. */
export interface CountKey {
  counter: string;
  field: string;
}

export interface CountClaim extends CountKey {
  /** Refused when the sum across live nodes already holds this many. */
  limit: number;
}

/** A node's own counts, by counter and field, as it holds them in memory. */
export type NodeCountsSnapshot = ReadonlyMap<string, ReadonlyMap<string, number>>;

export interface NodeCounts {
  /**
   * Adds 1 to this node's count of every claim, unless the sum across live nodes already holds the limit of
   * one of them: then nothing is added and the index of the first such claim is returned; -1 when added.
   */
  claim(node: string, claims: readonly CountClaim[], ttlMs: number): Promise<number>;
  /** Takes 1 from this node's count of each. */
  release(node: string, keys: readonly CountKey[]): Promise<void>;
  /**
   * Keeps this node live for another ttlMs and drops expired nodes from the index. Rewrites this node's
   * counts from `snapshot` when `rewrite` is set or when they were lost (the store restarted).
   */
  refresh(node: string, snapshot: NodeCountsSnapshot, ttlMs: number, rewrite: boolean): Promise<void>;
  /** Forgets this node's counts (a node starting under a name a dead one had, or stopping). */
  forget(node: string, counters: readonly string[]): Promise<void>;
}

const CLAIM = `
local index, now, node, ttl, base = KEYS[1], tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4]
redis.call('ZADD', index, now + ttl, node)
local nodes = redis.call('ZRANGEBYSCORE', index, '(' .. now, '+inf')
local n = (#ARGV - 4) / 3
for i = 0, n - 1 do
  local counter, field, limit = ARGV[5 + i * 3], ARGV[6 + i * 3], tonumber(ARGV[7 + i * 3])
  local sum = 0
  for _, other in ipairs(nodes) do
    sum = sum + (tonumber(redis.call('HGET', base .. other .. ':' .. counter, field)) or 0)
  end
  if sum >= limit then return i end
end
for i = 0, n - 1 do
  local key = base .. node .. ':' .. ARGV[5 + i * 3]
  redis.call('HINCRBY', key, ARGV[6 + i * 3], 1)
  redis.call('PEXPIRE', key, ttl)
end
return -1`;

const RELEASE = `
local own = ARGV[1]
for i = 2, #ARGV, 2 do
  local key = own .. ARGV[i]
  if redis.call('HINCRBY', key, ARGV[i + 1], -1) <= 0 then redis.call('HDEL', key, ARGV[i + 1]) end
end
return 0`;

/** Renews the node; returns 1 when one of its hashes named in ARGV[5..] is gone (lost, or never written). */
const REFRESH = `
local index, now, node, ttl, own = KEYS[1], tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4]
redis.call('ZADD', index, now + ttl, node)
redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
redis.call('PEXPIRE', index, ttl * 10)
local lost = 0
for i = 5, #ARGV do
  if redis.call('PEXPIRE', own .. ARGV[i], ttl) == 0 then lost = 1 end
end
return lost`;

export class RedisNodeCounts implements NodeCounts {
  private readonly index: string;
  private readonly base: string;

  constructor(
    private readonly redis: Redis | Cluster,
    prefix: string,
  ) {
    this.index = `${prefix}{node-counts}:nodes`;
    this.base = `${prefix}{node-counts}:`;
  }

  private own(node: string) {
    return `${this.base}${node}:`;
  }

  async claim(node: string, claims: readonly CountClaim[], ttlMs: number) {
    const args = claims.flatMap((c) => [c.counter, c.field, String(c.limit)]);
    return Number(await this.redis.eval(CLAIM, 1, this.index, Date.now(), node, ttlMs, this.base, ...args));
  }

  async release(node: string, keys: readonly CountKey[]) {
    const args = keys.flatMap((k) => [k.counter, k.field]);
    await this.redis.eval(RELEASE, 1, this.index, this.own(node), ...args);
  }

  async refresh(node: string, snapshot: NodeCountsSnapshot, ttlMs: number, rewrite: boolean) {
    const held = [...snapshot].filter(([, fields]) => fields.size > 0).map(([counter]) => counter);
    const own = this.own(node);
    const lost = Number(await this.redis.eval(REFRESH, 1, this.index, Date.now(), node, ttlMs, own, ...held));
    if (!rewrite && lost === 0) return;
    const multi = this.redis.multi();
    for (const [counter, fields] of snapshot) {
      multi.del(own + counter);
      if (fields.size === 0) continue;
      multi.hset(own + counter, Object.fromEntries(fields));
      multi.pexpire(own + counter, ttlMs);
    }
    await multi.exec();
  }

  async forget(node: string, counters: readonly string[]) {
    if (counters.length > 0) await this.redis.del(...counters.map((c) => this.own(node) + c));
    await this.redis.zrem(this.index, node);
  }
}

/** The same in one process (the single-node embedded default, and unit tests). */
export class MemoryNodeCounts implements NodeCounts {
  private readonly expiry = new Map<string, number>();
  private readonly counts = new Map<string, Map<string, Map<string, number>>>();

  private of(node: string, counter: string) {
    const byCounter = this.counts.get(node) ?? new Map<string, Map<string, number>>();
    this.counts.set(node, byCounter);
    const fields = byCounter.get(counter) ?? new Map<string, number>();
    byCounter.set(counter, fields);
    return fields;
  }

  async claim(node: string, claims: readonly CountClaim[], ttlMs: number) {
    const now = Date.now();
    this.expiry.set(node, now + ttlMs);
    const live = [...this.expiry].filter(([, at]) => at > now).map(([name]) => name);
    const full = claims.findIndex(
      (c) =>
        live.reduce((sum, other) => sum + (this.counts.get(other)?.get(c.counter)?.get(c.field) ?? 0), 0) >= c.limit,
    );
    if (full >= 0) return full;
    for (const c of claims) this.of(node, c.counter).set(c.field, (this.of(node, c.counter).get(c.field) ?? 0) + 1);
    return -1;
  }

  async release(node: string, keys: readonly CountKey[]) {
    for (const k of keys) {
      const fields = this.of(node, k.counter);
      const next = (fields.get(k.field) ?? 0) - 1;
      if (next > 0) fields.set(k.field, next);
      else fields.delete(k.field);
    }
  }

  async refresh(node: string, snapshot: NodeCountsSnapshot, ttlMs: number, rewrite: boolean) {
    this.expiry.set(node, Date.now() + ttlMs);
    if (rewrite) this.counts.set(node, new Map([...snapshot].map(([counter, f]) => [counter, new Map(f)])));
  }

  async forget(node: string) {
    this.counts.delete(node);
    this.expiry.delete(node);
  }
}
