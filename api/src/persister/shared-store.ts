// Batches that reach the persister together share one transaction. Kafka hands the persister one batch per
// partition, concurrently, and each paid its own transaction and WAL flush: at 1,000 sends/s over 8
// partitions that meant many transactions of a few events, where a transaction's cost is mostly fixed
// (BENCHMARKS.md, finding 5). Now the batches that arrive in the same turn, or while a store is running,
// are stored together by the next one. Partitions hold disjoint channels, so merging them changes no
// channel's order; each caller gets back only its own events' results, in the order the store gave them.
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

  constructor(private readonly storeAll: (events: PendingChannelEvent[]) => Promise<StoreResult>) {}

  /** Stores `events` in the next shared transaction; rejects if that transaction fails. */
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
        for (const w of group) w.reject(error);
      }
    }
    this.draining = false;
  }
}

function split(group: Waiting[], result: StoreResult): StoreResult[] {
  const owner = new Map<string, number>();
  for (const [i, w] of group.entries()) for (const e of w.events) owner.set(e.eventId, i);
  const parts = group.map((): StoreResult => ({ committed: [], orphaned: [] }));
  for (const e of result.committed) parts[owner.get(e.eventId) ?? -1]?.committed.push(e);
  for (const e of result.orphaned) parts[owner.get(e.eventId) ?? -1]?.orphaned.push(e);
  return parts;
}
