import { describe, expect, it } from "vitest";
import { percentileOf } from "./node-stats.js";
import { nodesAt, pointOf } from "./snapshot.js";
import type { NodeHeartbeat } from "./types.js";

const beat = (nodeId: string, at: number, rate: number, latency: NodeHeartbeat["latency"]): NodeHeartbeat => ({
  nodeId,
  startedAt: 0,
  at,
  sockets: 1,
  cpuPercent: 1,
  rssBytes: 1,
  heapUsedBytes: 1,
  messagesPerSecond: rate,
  latency,
});

describe("live operations numbers", () => {
  it("takes the nearest-rank percentile", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOf(sorted, 50)).toBe(50);
    expect(percentileOf(sorted, 99)).toBe(99);
    expect(percentileOf([7], 99)).toBe(7);
    expect(percentileOf([], 50)).toBeNull();
  });

  it("marks a node down once its heartbeat is older than the stale bound, and leaves it out of the rates", () => {
    const now = 100_000;
    const nodes = nodesAt(
      [
        beat("a", now - 1000, 120, { count: 300, p50Ms: 10, p99Ms: 40 }),
        beat("b", now - 2000, 80, { count: 100, p50Ms: 30, p99Ms: 90 }),
        beat("c", now - 6000, 500, { count: 1000, p50Ms: 1, p99Ms: 999 }),
      ],
      now,
      5000,
    );
    expect(nodes.map((n) => [n.nodeId, n.down, n.ageMs])).toEqual([
      ["a", false, 1000],
      ["b", false, 2000],
      ["c", true, 6000],
    ]);
    // p50 weighted by deliveries: (10·300 + 30·100) / 400 = 15; p99 the highest of the nodes up.
    expect(pointOf(nodes, now, 7)).toEqual({
      t: now,
      messagesPerSecond: 200,
      latencyP50Ms: 15,
      latencyP99Ms: 90,
      persisterLag: 7,
    });
  });

  it("has no latency without deliveries", () => {
    const nodes = nodesAt([beat("a", 0, 0, { count: 0, p50Ms: null, p99Ms: null })], 0, 5000);
    expect(pointOf(nodes, 0, null)).toMatchObject({ messagesPerSecond: 0, latencyP50Ms: null, latencyP99Ms: null });
  });
});
