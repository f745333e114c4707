import { Redis } from "ioredis";

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
