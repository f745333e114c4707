// stop() is final: a renewal or sweep pass already in flight when the tracker stops finishes, but arms no
// further pass. Before this held, a "crashed" tracker whose pass was in flight kept its users online for
// ever (renewal runs every ttl/45, so a pass is in flight much of the time on a loaded machine).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Kv } from "../../src/lib/kv.js";
import { PresenceTracker } from "../../src/presence/tracker.js";
import type { Running } from "../../src/start-services.js";
import { waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const TTL_MS = 3000;
let stack: TestStack;
let services: Running;

beforeAll(async () => {
  stack = await createTestStack({ redis: true });
  services = await stack.open();
}, 120_000);

afterAll(async () => {
  await stack?.cleanup();
});

/**
 * The real Kv, every call counted; once armed, the first call of each gated method (the entry point of a
 * pass) is held until release().
 */
function gatedKv(gated: string[]) {
  const calls: string[] = [];
  const held = new Set<string>();
  let armed = false;
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const kv = new Proxy(services.kv, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const name = String(prop);
        calls.push(name);
        if (armed && gated.includes(name) && !held.has(name)) {
          held.add(name);
          await released;
        }
        return value.apply(target, args);
      };
    },
  }) as Kv;
  return {
    kv,
    calls,
    held,
    release,
    arm: () => {
      armed = true;
    },
  };
}

it("stop() during an in-flight renewal and sweep arms no further pass", async () => {
  // touchMembers starts a renewal pass, setIfAbsent (the sweep lock) starts a sweep.
  const gate = gatedKv(["touchMembers", "setIfAbsent"]);
  const config = { ...services.config, PRESENCE_TTL_MS: TTL_MS, NODE_ID: `stop-${randomUUID()}` };
  const tracker = new PresenceTracker({ ...services, kv: gate.kv, config });
  // With no local socket a renewal pass has nothing to touch: connect one first.
  await tracker.connected({ id: randomUUID(), userId: randomUUID() });
  gate.arm();
  tracker.start();
  // Both passes are now in flight and held (the first sweep starts after ttl/4).
  await waitFor(() => gate.held.size === 2, "a renewal and a sweep in flight", TTL_MS * 2);
  tracker.stop();
  const before = gate.calls.filter((c) => c === "touchMembers" || c === "setIfAbsent").length;
  gate.release();
  // A ttl is 45 renewal periods and 4 sweep periods: a tracker that re-arms would start many passes.
  await new Promise((r) => setTimeout(r, TTL_MS));
  const after = gate.calls.filter((c) => c === "touchMembers" || c === "setIfAbsent").length;
  expect(after - before, `passes started after stop(): ${gate.calls.slice(before).join(", ")}`).toBe(0);
});
