// Fan-out over the real Redis bus: one subscription per topic, undone when the last local listener leaves,
// except while the node drains (keepSubscription), when the bus closes with it.
import Redis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { testEnv } from "../../test/support/env.js";
import { redisPrefix, uniqueSuffix } from "../../test/support/names.js";
import { RedisBus } from "./bus.js";
import { Fanout } from "./fanout.js";

const prefix = redisPrefix(uniqueSuffix());
const bus = new RedisBus(testEnv.redisUrl, prefix);
const probe = new Redis(testEnv.redisUrl);
afterAll(async () => {
  await bus.close();
  probe.disconnect();
});

/** How many subscribers Redis counts on the topic (our bus's one subscription, or none). */
const subscribers = async (topic: string) => {
  const reply = (await probe.pubsub("NUMSUB", prefix + topic)) as [string, number];
  return Number(reply[1]);
};

describe("Fanout", () => {
  it("subscribes once per topic and unsubscribes when the last listener leaves", async () => {
    const fanout = new Fanout<string>(bus, (payload) => payload);
    const a: string[] = [];
    const b: string[] = [];
    const listenA = (p: string) => a.push(p);
    const listenB = (p: string) => b.push(p);
    await fanout.add("t1", listenA);
    await fanout.add("t1", listenB);
    expect(await subscribers("t1")).toBe(1);
    await bus.publish("t1", "one");
    await expect.poll(() => [a, b]).toEqual([["one"], ["one"]]);

    await fanout.remove("t1", listenA);
    expect(await subscribers("t1")).toBe(1);
    await fanout.remove("t1", listenB);
    expect(await subscribers("t1")).toBe(0);
    expect(fanout.topicCount).toBe(0);
  });

  it("draining: the last listener leaves without an UNSUBSCRIBE; payloads are dropped; a new listener reuses it", async () => {
    const fanout = new Fanout<string>(bus, (payload) => payload);
    const a: string[] = [];
    const listenA = (p: string) => a.push(p);
    await fanout.add("t2", listenA);
    await fanout.remove("t2", listenA, { keepSubscription: true });
    expect(await subscribers("t2")).toBe(1);
    // A witness on the bus itself: the bus hands each payload to every handler of the topic in one go, so
    // once the witness has it, the fan-out has had it too.
    const witnessed: string[] = [];
    await bus.subscribe("t2", (p) => witnessed.push(p));
    await bus.publish("t2", "nobody hears this");
    await expect.poll(() => witnessed).toEqual(["nobody hears this"]);

    const b: string[] = [];
    await fanout.add("t2", (p) => b.push(p));
    expect(await subscribers("t2")).toBe(1);
    await bus.publish("t2", "two");
    await expect.poll(() => b).toEqual(["two"]);
    expect(a).toEqual([]);
  });
});
