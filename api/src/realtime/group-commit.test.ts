import { describe, expect, it } from "vitest";
import { GroupCommit, type GroupCommitTimeout } from "./group-commit.js";

describe("GroupCommit", () => {
  it("writes what waits during a write together, in order", async () => {
    const writes: number[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const commit = new GroupCommit<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await gate;
    });
    const first = commit.add([1]);
    const rest = [commit.add([2, 3]), commit.add([4])];
    release();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it("fails exactly the appends of a failed write and keeps going", async () => {
    let calls = 0;
    const commit = new GroupCommit<string>(async () => {
      calls++;
      if (calls === 1) throw new Error("broker down");
    });
    const results = await Promise.allSettled([commit.add(["a"]), commit.add(["b"])]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
  });

  it("caps a write at maxItems", async () => {
    const sizes: number[] = [];
    const commit = new GroupCommit<number>(async (items) => {
      sizes.push(items.length);
    }, 3);
    await Promise.all([commit.add([1]), commit.add([2, 3]), commit.add([4, 5]), commit.add([6])]);
    // [1] goes at once; then [2,3] (adding [4,5] would pass 3), then [4,5] with [6].
    expect(sizes).toEqual([1, 2, 3]);
  });

  it("bounds the wait: a queued append is taken out unwritten, one in flight is told the outcome is unknown", async () => {
    const writes: string[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const commit = new GroupCommit<string>(
      async (items) => {
        writes.push(items);
        if (writes.length === 1) await gate;
      },
      1000,
      50,
    );
    const inFlight = commit.add(["a"]);
    const queued = commit.add(["b"]);
    const results = await Promise.allSettled([inFlight, queued]);
    expect(results.map((r) => (r.status === "rejected" ? (r.reason as GroupCommitTimeout).written : "ok"))).toEqual([
      "unknown",
      false,
    ]);
    // The write in flight still finishes before anything else is written; "b" never is.
    const later = commit.add(["c"]);
    release();
    await later;
    expect(writes).toEqual([["a"], ["c"]]);
  });
});
