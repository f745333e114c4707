// Per-node fan-out: one bus subscription per topic however many local sockets want it, and each bus
// payload decoded (and its socket frame encoded) once, then handed to every interested local socket.
import type { Bus } from "./bus.js";

export type Listener<T> = (delivery: T) => void;

export class Fanout<T> {
  private readonly listeners = new Map<string, Set<Listener<T>>>();
  private readonly unsubscribers = new Map<string, Promise<() => Promise<void>>>();

  constructor(
    private readonly bus: Bus,
    /** Turns a bus payload into what every listener of the topic gets; null drops it. Runs once per payload. */
    private readonly decode: (payload: string, topic: string) => T | null,
  ) {}

  /** Resolves once the bus subscription is live, so nothing published afterwards is missed. */
  async add(topic: string, listener: Listener<T>): Promise<void> {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
      this.unsubscribers.set(
        topic,
        this.bus.subscribe(topic, (payload) => this.deliver(topic, payload)),
      );
    }
    set.add(listener);
    await this.unsubscribers.get(topic);
  }

  /**
   * `keepSubscription`: the node is draining and the bus closes with it, so the last listener's leaving need
   * not cost a bus round trip (20,000 UNSUBSCRIBEs, one write each, were ~1 s of CPU of a node's stop,
   * BENCHMARKS.md §8). The topic stays subscribed with no listener: payloads are dropped, and a later add
   * reuses the subscription.
   */
  async remove(topic: string, listener: Listener<T>, opts: { keepSubscription?: boolean } = {}): Promise<void> {
    const set = this.listeners.get(topic);
    if (!set?.delete(listener) || set.size > 0 || opts.keepSubscription) return;
    this.listeners.delete(topic);
    const unsubscribe = this.unsubscribers.get(topic);
    this.unsubscribers.delete(topic);
    await (await unsubscribe)?.();
  }

  private deliver(topic: string, payload: string) {
    const set = this.listeners.get(topic);
    if (!set || set.size === 0) return;
    const delivery = this.decode(payload, topic);
    if (delivery === null) return;
    for (const listener of set) listener(delivery);
  }

  get topicCount() {
    return this.listeners.size;
  }
}
