import { describe, expect, it } from "vitest";
import { MemoryKv } from "../lib/kv.js";
import { SocketCounts } from "./socket-counts.js";

const limits = (node: string) => ({
  SOCKETS_PER_USER: 2,
  SOCKETS_PER_IP: 3,
  SOCKET_COUNTS_TTL_MS: 60_000,
  NODE_ID: node,
});

const outcome = (claim: Promise<unknown>) =>
  claim.then(
    () => "ok",
    (error: { code?: string }) => error.code ?? String(error),
  );

describe("socket counts", () => {
  it("counts sockets per user and per address across nodes, and frees them on release", async () => {
    const kv = new MemoryKv();
    const [one, two] = [new SocketCounts(kv, limits("one")), new SocketCounts(kv, limits("two"))];
    const first = await one.claim("a", "10.0.0.1");
    await two.claim("a", "10.0.0.1");
    expect(await outcome(one.claim("a", "10.0.0.2"))).toBe("too_many_sockets");
    expect(await outcome(two.claim("a", "10.0.0.2"))).toBe("too_many_sockets");
    await two.claim("b", "10.0.0.1");
    expect(await outcome(one.claim("c", "10.0.0.1"))).toBe("too_many_sockets");
    expect(await outcome(one.claim("c", "10.0.0.9"))).toBe("ok");
    first.release();
    first.release(); // once only
    await new Promise((r) => setImmediate(r));
    expect(await outcome(two.claim("a", "10.0.0.1"))).toBe("ok");
    expect(await outcome(two.claim("a", "10.0.0.1"))).toBe("too_many_sockets");
  });

  it("gives a place back when its upgrade does not complete in time", async () => {
    const counts = new SocketCounts(new MemoryKv(), { ...limits("one"), SOCKETS_PER_USER: 1 });
    (await counts.claim("a", undefined)).expireUnlessKept(10);
    expect(counts.localCount("user", "a")).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(counts.localCount("user", "a")).toBe(0);
    const kept = await counts.claim("a", undefined);
    kept.expireUnlessKept(10);
    kept.keep();
    await new Promise((r) => setTimeout(r, 50));
    expect(await outcome(counts.claim("a", undefined))).toBe("too_many_sockets");
  });
});
