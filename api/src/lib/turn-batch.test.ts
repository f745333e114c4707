import { describe, expect, it } from "vitest";
import { TurnBatch } from "./turn-batch.js";

describe("TurnBatch", () => {
  it("answers calls of one turn with one run, each caller its own output", async () => {
    const runs: number[][] = [];
    const batch = new TurnBatch(async (inputs: number[]) => {
      runs.push(inputs);
      return inputs.map((n) => n * 10);
    });
    const first = await Promise.all([batch.call(1), batch.call(2), batch.call(3)]);
    const second = await batch.call(4);
    expect(first).toEqual([10, 20, 30]);
    expect(second).toBe(40);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it("splits a turn's calls into runs of at most maxSize", async () => {
    const runs: number[][] = [];
    const batch = new TurnBatch(async (inputs: number[]) => {
      runs.push(inputs);
      return inputs;
    }, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => batch.call(n)))).toEqual([1, 2, 3, 4, 5]);
    expect(runs).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("rejects every call of a failed run, and one that answers the wrong number, but not later calls", async () => {
    let mode: "throw" | "short" | "ok" = "throw";
    const batch = new TurnBatch(async (inputs: number[]) => {
      if (mode === "throw") throw new Error("connection reset");
      if (mode === "short") return inputs.slice(1);
      return inputs;
    });
    const failed = await Promise.allSettled([batch.call(1), batch.call(2)]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    mode = "short";
    await expect(batch.call(3)).rejects.toThrow(/batch of 1 got 0 answers/);
    mode = "ok";
    expect(await batch.call(4)).toBe(4);
  });
});
