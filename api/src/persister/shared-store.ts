// Batches that reach the persister together share one transaction. Kafka hands the persister one batch per
// partition, concurrently, and each paid its own transaction and WAL flush: at 1,000 sends/s over 8
// partitions that meant many transactions of a few events, where a transaction's cost is mostly fixed
// (BENCHMARKS.md, finding 5). Now the batches that arrive in the same turn, or while a store is running,
// are stored together by the next one. Partitions hold disjoint channels, so merging them changes no
// channel's order; each caller gets back only its own events' results, in the order the store gave them.
// When a shared transaction fails because of one partition's data, the other partitions must not pay for
// it: each caller's events are then stored apart, so only the batch at fault sees the error.
import type { PendingChannelEvent } from "../realtime/channel-events.js";
import type { StoreResult } from "./store-events.js";

interface Waiting {
  events: PendingChannelEvent[];
  resolve: (result: StoreResult) => void;
  reject: (error: unknown) => void;
}

export class SharedStore {
  private waiting: Waiting[] = [];
  private draining = false;

  constructor(
    private readonly storeAll: (events: PendingChannelEvent[]) => Promise<StoreResult>,
    /** Whether a failure is the data's fault (then the group is stored again batch by batch). */
    private readonly blamesData: (error: unknown) => boolean = () => false,
  ) {}

  /** Stores `events` in the next shared transaction; rejects only if its own events failed. */
  store(events: PendingChannelEvent[]): Promise<StoreResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ events, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      // One macrotask's wait lets the other partitions' batches of the same fetch join the first.
      setImmediate(() => void this.drain());
    });
  }

  private async drain() {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0);
      try {
        const result = await this.storeAll(group.flatMap((w) => w.events));
        for (const [i, part] of split(group, result).entries()) group[i]?.resolve(part);
      } catch (error) {
        if (group.length > 1 && this.blamesData(error)) await this.storeApart(group);
        else for (const w of group) w.reject(error);
      }
    }
    this.draining = false;
  }

  /** One transaction per caller, side by side (partitions hold disjoint channels, so they take no common lock). */
  private async storeApart(group: Waiting[]) {
    await Promise.all(group.map((w) => this.storeAll(w.events).then(w.resolve, w.reject)));
  }
}

function split(group: Waiting[], result: StoreResult): StoreResult[] {
  const owner = new Map<string, number>();
  for (const [i, w] of group.entries()) for (const e of w.events) owner.set(e.eventId, i);
  const parts = group.map((): Required<StoreResult> => ({ committed: [], orphaned: [], unknownAuthor: [] }));
  for (const e of result.committed) parts[owner.get(e.eventId) ?? -1]?.committed.push(e);
  for (const e of result.orphaned) parts[owner.get(e.eventId) ?? -1]?.orphaned.push(e);
  for (const e of result.unknownAuthor ?? []) parts[owner.get(e.eventId) ?? -1]?.unknownAuthor.push(e);
  return parts;
}
