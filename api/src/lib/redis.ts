import { Cluster, Redis } from "ioredis";

/** Where Redis is: one server, or (cluster) one node of a Redis Cluster from which the others are found. */
export interface RedisTarget {
  url: string;
  cluster: boolean;
}

/**
 * autoPipelining: commands issued in the same event-loop turn leave in one write. For connections shared
 * by many concurrent requests (rate limits, reservations, publishes): under load, a write per command
 * was a large share of the send path's CPU (BENCHMARKS.md). Not for subscriber connections.
 */
export function createRedis(url: string, name: string, options: { autoPipelining?: boolean } = {}): Redis {
  // maxRetriesPerRequest null: commands wait for a reconnect instead of failing during a blip.
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    lazyConnect: false,
    enableAutoPipelining: options.autoPipelining ?? false,
  });
}

/**
 * A Redis Cluster client seeded with one node (the URL's credentials and TLS apply to every node). It
 * follows MOVED/ASK and failovers by itself; auto-pipelining batches per node. `shardedSubscribers`: one
 * subscriber connection per master for SSUBSCRIBE, moved by ioredis when the slots move (a failover).
 */
export function createRedisCluster(
  url: string,
  name: string,
  options: { autoPipelining?: boolean; shardedSubscribers?: boolean } = {},
): Cluster {
  const seed = new URL(url);
  const cluster = new Cluster([{ host: seed.hostname, port: Number(seed.port || 6379) }], {
    enableAutoPipelining: options.autoPipelining ?? false,
    shardedSubscribers: options.shardedSubscribers ?? false,
    // A failover takes the node timeout plus an election (~2–3 s in ops/services' cluster): keep retrying.
    clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 200,
    maxRedirections: 64,
    // Also find moved slots without waiting for a command to fail (a quiet subscriber has none).
    slotsRefreshInterval: 2000,
    redisOptions: {
      connectionName: name,
      maxRetriesPerRequest: null,
      ...(seed.username ? { username: decodeURIComponent(seed.username) } : {}),
      ...(seed.password ? { password: decodeURIComponent(seed.password) } : {}),
      ...(seed.protocol === "rediss:" ? { tls: {} } : {}),
    },
  });
  // A node that is down (until its replica takes over) is reported here as well as to the commands that
  // wait for it; without a listener ioredis prints every such report as unhandled.
  cluster.on("error", () => {});
  return cluster;
}
