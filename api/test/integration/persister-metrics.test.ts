// A standalone persister (its own process, as ops/persister runs it) serves its lag and batch metrics on
// PERSISTER_METRICS_PORT, and they move when it stores events.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitChannelEvents } from "../../src/realtime/emit.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { freePort, type ProcessHandle, startPersister } from "../support/processes.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let persister: ProcessHandle;
let metricsUrl: string;

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  persister = await startPersister({ ...stack.env, PERSISTER_METRICS_PORT: String(port) });
}, 120_000);

afterAll(async () => {
  await persister?.stop();
  await stack?.cleanup();
});

/** The value on the line that starts with `series` (a name, with its labels if any), NaN when absent. */
const metric = (text: string, series: string) =>
  Number(
    text
      .split("\n")
      .find((line) => line.startsWith(`${series} `))
      ?.slice(series.length + 1) ?? Number.NaN,
  );

describe("the standalone persister's metrics", () => {
  it("reports stored events, batch timings and lag after storing", async () => {
    const user = await createUser(services.db);
    const channel = await createChannel(services.db, [user.id]);
    const events = Array.from({ length: 5 }, () => ({
      type: "messageCreated" as const,
      channelId: channel.id,
      actorId: user.id,
      data: { messageId: randomUUID(), clientId: randomUUID(), body: "counted", parentId: null },
    }));
    await emitChannelEvents(services.log, events);
    const deadline = Date.now() + 20_000;
    let text = "";
    while (Date.now() < deadline) {
      text = await (await fetch(metricsUrl)).text();
      if (metric(text, 'parley_persister_events_total{outcome="stored"}') >= 5) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(metric(text, 'parley_persister_events_total{outcome="stored"}')).toBe(5);
    expect(metric(text, "parley_persister_batch_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(metric(text, "parley_persister_lag_ms")).toBeGreaterThanOrEqual(0);
    expect((await fetch(metricsUrl.replace("/metrics", "/healthz"))).status).toBe(200);
  });
});
