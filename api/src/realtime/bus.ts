// The pub/sub bus between API nodes: committed channel events, presence, typing and control messages.
// Redis in production (a Redis Cluster: cluster-bus.ts); an in-process bus for the single-node embedded
// default. Same interface, same callers.
import type { Redis } from "ioredis";
import { createRedis } from "../lib/redis.js";

export type BusHandler = (payload: string) => void;
export interface BusMessage {
  topic: string;
  payload: string;
}

export interface Bus {
  readonly kind: "redis" | "memory";
  publish(topic: string, payload: string): Promise<void>;
  /** Publishes all in one write, delivered in this order (per-channel order depends on it). */
  publishMany(messages: BusMessage[]): Promise<void>;
  /** Resolves once the subscription is live; the returned function removes this handler. */
  subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>>;
  /** Round-trip latency in ms; throws when the bus does not answer. */
  ping(): Promise<number>;
  /**
   * Called after the bus (re)made its subscriptions following a lost connection or a moved shard: what was
   * published meanwhile never arrived, so listeners read it from the store (Hub.catchUpAll).
   */
  onResubscribed(listener: () => void): void;
  close(): Promise<void>;
}

/** Local handlers per topic, so a node holds one upstream subscription per topic however many sockets want it. */
export class TopicHandlers {
  private readonly byTopic = new Map<string, Set<BusHandler>>();

  /** Returns true when this is the topic's first handler. */
  add(topic: string, handler: BusHandler): boolean {
    const set = this.byTopic.get(topic);
    if (set) {
      set.add(handler);
      return false;
    }
    this.byTopic.set(topic, new Set([handler]));
    return true;
  }

  /** Returns true when the topic has no handler left. */
  remove(topic: string, handler: BusHandler): boolean {
    const set = this.byTopic.get(topic);
    if (!set) return false;
    set.delete(handler);
    if (set.size > 0) return false;
    this.byTopic.delete(topic);
    return true;
  }

  deliver(topic: string, payload: string): void {
    for (const handler of this.byTopic.get(topic) ?? []) handler(payload);
  }
}

export class MemoryBus implements Bus {
  readonly kind = "memory";
  private readonly handlers = new TopicHandlers();

  async publish(topic: string, payload: string): Promise<void> {
    queueMicrotask(() => this.handlers.deliver(topic, payload));
  }

  async publishMany(messages: BusMessage[]): Promise<void> {
    for (const { topic, payload } of messages) queueMicrotask(() => this.handlers.deliver(topic, payload));
  }

  async subscribe(topic: string, handler: BusHandler) {
    this.handlers.add(topic, handler);
    return async () => void this.handlers.remove(topic, handler);
  }

  async ping() {
    return 0;
  }

  onResubscribed() {}

  async close() {}
}

export class RedisBus implements Bus {
  readonly kind = "redis";
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new TopicHandlers();

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.pub = createRedis(url, "parley-bus-pub", { autoPipelining: true });
    this.sub = createRedis(url, "parley-bus-sub");
    this.sub.on("messageBuffer", (channel: Buffer, message: Buffer) => {
      this.handlers.deliver(channel.toString().slice(this.prefix.length), message.toString());
    });
  }

  // "ready" comes on the first connect and after every reconnect (ioredis then subscribes again by itself).
  onResubscribed(listener: () => void) {
    this.sub.on("ready", listener);
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.pub.publish(this.prefix + topic, payload);
  }

  async publishMany(messages: BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const pipeline = this.pub.pipeline();
    for (const { topic, payload } of messages) pipeline.publish(this.prefix + topic, payload);
    // exec() resolves with [error, result] per command rather than rejecting on the first failure.
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  async subscribe(topic: string, handler: BusHandler) {
    if (this.handlers.add(topic, handler)) await this.sub.subscribe(this.prefix + topic);
    return async () => {
      if (this.handlers.remove(topic, handler)) await this.sub.unsubscribe(this.prefix + topic);
    };
  }

  async ping() {
    const started = performance.now();
    await this.pub.ping();
    return performance.now() - started;
  }

  async close() {
    this.sub.disconnect();
    await this.pub.quit();
  }
}
