import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ChannelEvent, PendingChannelEvent } from "../realtime/channel-events.js";
import { SharedStore } from "./shared-store.js";
import type { StoreResult } from "./store-events.js";

const pending = (channelId: string, n: number): PendingChannelEvent =>
  ({
    eventId: randomUUID(),
    channelId,
    type: "messageCreated",
    actorId: randomUUID(),
    at: new Date().toISOString(),
    data: { messageId: randomUUID(), clientId: `c${n}`, body: `m${n}`, parentId: null, mentions: [] },
  }) as unknown as PendingChannelEvent;

/** Places events as a store would: per channel, seq in arrival order; channel "gone" orphans its events. */
function recordingStore() {
  const calls: PendingChannelEvent[][] = [];
  const seqs = new Map<string, number>();
  const storeAll = async (events: PendingChannelEvent[]): Promise<StoreResult> => {
    calls.push(events);
    await new Promise((r) => setTimeout(r, 5));
    const committed: ChannelEvent[] = [];
    const orphaned: PendingChannelEvent[] = [];
    for (const e of events) {
      if (e.channelId === "gone") orphaned.push(e);
      else {
        const seq = (seqs.get(e.channelId) ?? 0) + 1;
        seqs.set(e.channelId, seq);
        committed.push({ ...e, seq } as ChannelEvent);
      }
    }
    return { committed, orphaned };
  };
  return { calls, storeAll };
}

describe("SharedStore", () => {
  it("stores batches that arrive together in one call and gives each caller its own events, in order", async () => {
    const { calls, storeAll } = recordingStore();
    const shared = new SharedStore(storeAll);
    const a = [pending("a", 1), pending("a", 2)];
    const b = [pending("b", 1), pending("gone", 2), pending("b", 3)];
    const [ra, rb] = await Promise.all([shared.store(a), shared.store(b)]);
    expect(calls).toHaveLength(1);
    expect(ra.committed.map((e) => [e.eventId, e.seq])).toEqual([
      [a[0]?.eventId, 1],
      [a[1]?.eventId, 2],
    ]);
    expect(ra.orphaned).toEqual([]);
    expect(rb.committed.map((e) => [e.eventId, e.seq])).toEqual([
      [b[0]?.eventId, 1],
      [b[2]?.eventId, 2],
    ]);
    expect(rb.orphaned.map((e) => e.eventId)).toEqual([b[1]?.eventId]);
  });

  it("gathers what arrives while a store runs into the next one", async () => {
    const { calls, storeAll } = recordingStore();
    const shared = new SharedStore(storeAll);
    const first = shared.store([pending("a", 1)]);
    await new Promise((r) => setImmediate(r));
    // The first call is running now: these two wait for it and then go together.
    const later = Promise.all([shared.store([pending("b", 1)]), shared.store([pending("c", 1)])]);
    await Promise.all([first, later]);
    expect(calls.map((c) => c.map((e) => e.channelId))).toEqual([["a"], ["b", "c"]]);
  });

  it("rejects every caller of a failed store, and stores the next ones afresh", async () => {
    let fail = true;
    const { calls, storeAll } = recordingStore();
    const shared = new SharedStore(async (events) => {
      if (fail) {
        fail = false;
        throw new Error("deadlock detected");
      }
      return storeAll(events);
    });
    const results = await Promise.allSettled([shared.store([pending("a", 1)]), shared.store([pending("b", 1)])]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    const again = await shared.store([pending("a", 1)]);
    expect(again.committed).toHaveLength(1);
    expect(calls).toHaveLength(1);
  });

  it("stores each caller apart when the data of one failed the group, so only that caller sees the error", async () => {
    const { calls, storeAll } = recordingStore();
    const poison = new Error("unsupported Unicode escape sequence");
    const dataFault = (error: unknown) => error === poison;
    const shared = new SharedStore(async (events) => {
      if (events.some((e) => e.channelId === "poisoned")) throw poison;
      return storeAll(events);
    }, dataFault);
    const results = await Promise.allSettled([
      shared.store([pending("a", 1)]),
      shared.store([pending("poisoned", 1)]),
      shared.store([pending("b", 1)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(results[1]).toMatchObject({ reason: poison });
    expect(calls.map((c) => c.map((e) => e.channelId)).sort()).toEqual([["a"], ["b"]]);
  });
});
