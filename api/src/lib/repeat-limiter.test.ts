import { describe, expect, it } from "vitest";
import { repeatLimiter } from "./repeat-limiter.js";

describe("repeatLimiter", () => {
  it("lets a line through once per window and reports how many were held back", () => {
    let clock = 0;
    const limiter = repeatLimiter(30_000, () => clock);
    expect(limiter.pass("eachBatch failed")).toEqual({ heldBack: 0 });
    const held = [];
    for (clock = 1_000; clock < 30_000; clock += 1_000) held.push(limiter.pass("eachBatch failed"));
    expect(held).toHaveLength(29);
    expect(held.every((p) => p === null)).toBe(true);
    clock = 30_000;
    expect(limiter.pass("eachBatch failed")).toEqual({ heldBack: 29 });
    clock = 31_000;
    expect(limiter.pass("eachBatch failed")).toBeNull();
    clock = 90_000;
    expect(limiter.pass("eachBatch failed")).toEqual({ heldBack: 1 });
  });

  it("keeps each kind's window apart", () => {
    let clock = 0;
    const limiter = repeatLimiter(10_000, () => clock);
    expect(limiter.pass("a")).toEqual({ heldBack: 0 });
    clock = 5_000;
    expect(limiter.pass("b")).toEqual({ heldBack: 0 });
    expect(limiter.pass("a")).toBeNull();
    clock = 10_000;
    expect(limiter.pass("a")).toEqual({ heldBack: 1 });
    expect(limiter.pass("b")).toBeNull();
  });

  it("never holds back a new kind when full: it forgets the kinds whose window ended, or lets it through unremembered", () => {
    let clock = 0;
    const limiter = repeatLimiter(10_000, () => clock, 2);
    limiter.pass("a");
    limiter.pass("b");
    expect(limiter.pass("c")).toEqual({ heldBack: 0 }); // full: let through, not remembered
    expect(limiter.pass("c")).toEqual({ heldBack: 0 });
    expect(limiter.pass("a")).toBeNull(); // still remembered
    clock = 10_000;
    expect(limiter.pass("c")).toEqual({ heldBack: 0 }); // a and b ended and were forgotten; c remembered now
    expect(limiter.pass("c")).toBeNull();
  });
});
