import { describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { MemoryKv } from "../lib/kv.js";
import { FrameBudget, framesPerSecond, SearchQuota } from "./quotas.js";

const code = (fn: () => unknown) => {
  try {
    fn();
    return "ok";
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
};

describe("quotas", () => {
  it("lets a socket send its budget of frames per second, and no more", () => {
    const budget = new FrameBudget(3);
    expect([1, 2, 3, 4].map(() => code(() => budget.check()))).toEqual(["ok", "ok", "ok", "rate_limited"]);
    expect(framesPerSecond({ SOCKET_FRAMES_PER_SECOND: undefined, SEND_RATE_PER_10S: 50 })).toBe(50);
    expect(framesPerSecond({ SOCKET_FRAMES_PER_SECOND: undefined, SEND_RATE_PER_10S: 100_000 })).toBe(20_000);
    expect(framesPerSecond({ SOCKET_FRAMES_PER_SECOND: 7, SEND_RATE_PER_10S: 100_000 })).toBe(7);
  });

  it("runs so many searches of one user at once, and so many a minute", async () => {
    const quota = new SearchQuota(new MemoryKv(), { SEARCHES_PER_MINUTE: 3, SEARCHES_AT_ONCE: 1 });
    let finish: () => void = () => {};
    const first = quota.run("a", () => new Promise<void>((resolve) => (finish = resolve)));
    await new Promise((r) => setImmediate(r));
    await expect(quota.run("a", async () => "second")).rejects.toMatchObject({ code: "rate_limited" });
    expect(await quota.run("b", async () => "another user")).toBe("another user");
    finish();
    await first;
    // The refused one did not count: two ran, a third may, a fourth this minute may not.
    expect(await quota.run("a", async () => "after")).toBe("after");
    expect(await quota.run("a", async () => "third")).toBe("third");
    await expect(quota.run("a", async () => "fourth this minute")).rejects.toMatchObject({ code: "rate_limited" });
  });
});
