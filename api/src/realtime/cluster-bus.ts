// The bus over a Redis Cluster: sharded pub/sub (Redis 7 SPUBLISH/SSUBSCRIBE). A shard channel lives on
// the master that owns its slot, so a message travels to that one shard and its replica only, instead
// of being broadcast over the cluster bus to every node as classic PUBLISH is: pub/sub load spreads over
// the masters like keys do. ioredis keeps one subscriber connection per master and moves the
// subscriptions when slots move (a failover); after that, onResubscribed listeners catch up from the store.
import type { Cluster } from "ioredis";
import { createRedisCluster } from "../lib/redis.js";
import { type Bus, type BusHandler, type BusMessage, TopicHandlers } from "./bus.js";

export class ClusterBus implements Bus {
  readonly kind = "redis";
  private readonly pub: Cluster;
  private readonly sub: Cluster;
  private readonly handlers = new TopicHandlers();

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.pub = createRedisCluster(url, "parley-bus-pub", { autoPipelining: true });
    this.sub = createRedisCluster(url, "parley-bus-sub", { shardedSubscribers: true });
    this.sub.on("smessageBuffer", (channel: Buffer, message: Buffer) => {
      this.handlers.deliver(channel.toString().slice(this.prefix.length), message.toString());
    });
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.pub.spublish(this.prefix + topic, payload);
  }

  // Issued in order in one turn: auto-pipelining sends each master's share in one write, in this order, so
  // one topic's messages (one slot, one master) keep theirs.
  async publishMany(messages: BusMessage[]): Promise<void> {
    await Promise.all(messages.map(({ topic, payload }) => this.pub.spublish(this.prefix + topic, payload)));
  }

  async subscribe(topic: string, handler: BusHandler) {
    if (this.handlers.add(topic, handler)) await this.sub.ssubscribe(this.prefix + topic);
    return async () => {
      if (this.handlers.remove(topic, handler)) await this.sub.sunsubscribe(this.prefix + topic);
    };
  }

  async ping() {
    const started = performance.now();
    await this.pub.ping();
    return performance.now() - started;
  }

  // After ioredis rebuilt its per-master subscribers for a new slot map (start, failover, resharding).
  onResubscribed(listener: () => void) {
    this.sub.on("subscribersReady", listener);
  }

  async close() {
    this.sub.disconnect();
    await this.pub.quit();
  }
}
