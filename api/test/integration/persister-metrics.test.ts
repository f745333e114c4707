// A standalone persister (its own process, as ops/persister runs it) serves its lag and batch metrics on
// PERSISTER_METRICS_PORT, and they move when it stores events: the lag rises while the persister is
// stopped and events wait in the log, and falls back once it has caught up.
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
let metricsPort: number;
/** How long the persister stays stopped while events wait: the lag it reports afterwards is at least this. */
const DOWN_MS = 5000;

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  persister = await startPersister({ ...stack.env, PERSISTER_METRICS_PORT: String(metricsPort) });
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

/** Polls the metrics until `stored` events were stored (and timed) by this persister process; returns the text. */
async function metricsOnceStored(stored: number) {
  const deadline = Date.now() + 30_000;
  let text = "";
  while (Date.now() < deadline) {
    text = await (await fetch(metricsUrl)).text();
    // The batch's timing is observed just after its events are counted: wait for both.
    if (
      metric(text, 'parley_persister_events_total{outcome="stored"}') >= stored &&
      metric(text, "parley_persister_batch_seconds_count") >= 1
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return text;
}

const messages = (channelId: string, actorId: string, n: number) =>
  Array.from({ length: n }, () => ({
    type: "messageCreated" as const,
    channelId,
    actorId,
    data: { messageId: randomUUID(), clientId: randomUUID(), body: "counted", parentId: null },
  }));

describe("the standalone persister's metrics", () => {
  it("reports stored events and batch timings; the lag rises while it is stopped and falls after", async () => {
    const user = await createUser(services.db);
    const channel = await createChannel(services.db, [user.id]);
    await emitChannelEvents(services.log, messages(channel.id, user.id, 5));
    let text = await metricsOnceStored(5);
    expect(metric(text, 'parley_persister_events_total{outcome="stored"}')).toBe(5);
    expect(metric(text, "parley_persister_batch_seconds_count")).toBeGreaterThanOrEqual(1);
    const before = metric(text, "parley_persister_lag_ms");
    expect((await fetch(metricsUrl.replace("/metrics", "/healthz"))).status).toBe(200);

    // Stopped: events are accepted into the log and wait there.
    await persister.stop();
    await emitChannelEvents(services.log, messages(channel.id, user.id, 5));
    await new Promise((r) => setTimeout(r, DOWN_MS));
    persister = await startPersister({ ...stack.env, PERSISTER_METRICS_PORT: String(metricsPort) });
    text = await metricsOnceStored(5);
    const risen = metric(text, "parley_persister_lag_ms");

    // Caught up: a new event is stored soon after it is accepted.
    await emitChannelEvents(services.log, messages(channel.id, user.id, 1));
    text = await metricsOnceStored(6);
    const fallen = metric(text, "parley_persister_lag_ms");
    console.log(`persister lag: ${before} ms running, ${risen} ms after ${DOWN_MS} ms stopped, ${fallen} ms caught up`);
    expect(risen).toBeGreaterThanOrEqual(DOWN_MS);
    expect(fallen).toBeLessThan(DOWN_MS);
    expect(fallen).toBeLessThan(risen);
  });
});
