// Live operations against real Kafka: the persister's lag per partition and its dead letters as the admin's
// socket reports them, and a replay from the socket (admin.replayDeadLetters) that re-appends what waits.
// An event that can never be stored (not JSON) comes back to the dead-letter topic after its replay, as
// PROTOCOL.md says: the count is what waits, and the replay is not a way to lose it.
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Persister, persisterGroup } from "../../src/persister/persister.js";
import { createRealtimeApp } from "../../src/realtime/node.js";
import type { Running } from "../../src/start-services.js";
import { createChannel } from "../support/fixtures.js";
import { signedIn } from "../support/http.js";
import { freePort } from "../support/processes.js";
import { TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let persister: Persister;
let realtime: ReturnType<typeof createRealtimeApp>;
let server: Server;
let url: string;

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  persister = new Persister(services);
  await persister.start();
  realtime = createRealtimeApp(services);
  const port = await freePort();
  server = serve({ fetch: realtime.app.fetch, hostname: "127.0.0.1", port }) as Server;
  realtime.attach(server);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  url = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  await realtime?.drain(0);
  await new Promise((resolve) => server?.close(resolve));
  await persister?.stop();
  await stack?.cleanup();
});

it("reports dead letters waiting and replays them from the admin's socket", async () => {
  const { user, token } = await signedIn(services.db, "admin");
  const channel = await createChannel(services.db, [user.id]);
  const group = persisterGroup(services.config.KAFKA_TOPIC_PREFIX);
  expect((await services.log.backlog(group)).deadLetters).toBe(0);

  // Two events the persister must refuse (not JSON), written to the log as a broken producer would.
  await services.log.append([
    { key: channel.id, value: "not json 1" },
    { key: channel.id, value: "not json 2" },
  ]);
  // The persister's session and batch timings bound this on a loaded machine.
  const deadline = Date.now() + 60_000;
  while ((await services.log.backlog(group)).deadLetters < 2) {
    if (Date.now() > deadline) throw new Error("the two refused events never reached the dead-letter topic");
    await new Promise((r) => setTimeout(r, 250));
  }

  const socket = await TestSocket.connect(url, token);
  const subscribed = await socket.ok("admin.subscribeOps");
  expect(subscribed.snapshot.persister.deadLetters).toBe(2);
  expect(subscribed.snapshot.persister.partitions?.length).toBe(services.config.KAFKA_PARTITIONS);
  expect(subscribed.snapshot.services.kafka).toMatchObject({ ok: true, kind: "kafka" });

  const framesBeforeReplay = socket.frames.length;
  expect(await socket.ok("admin.replayDeadLetters")).toEqual({ replayed: 2 });
  // Audited: who replayed how many.
  const audited = await services.db.auditLog.findMany({ where: { action: "ops.dead_letters_replayed" } });
  expect(audited).toMatchObject([{ actorId: user.id, details: { replayed: 2 } }]);
  // Replayed: nothing waits from before; the same events, refused again, come back as two new dead letters.
  expect((await services.log.backlog(group)).deadLetters).toBeLessThanOrEqual(2);
  const again = Date.now() + 60_000;
  while ((await services.log.backlog(group)).deadLetters < 2) {
    if (Date.now() > again) throw new Error("the replayed events were not refused again");
    await new Promise((r) => setTimeout(r, 250));
  }
  // A sample taken after the replay: one from before it shows the same two letters and no lag.
  await waitFor(
    () =>
      socket.frames
        .slice(framesBeforeReplay)
        .some(
          (f) =>
            f.type === "opsSample" && f.snapshot.persister.deadLetters === 2 && f.snapshot.persister.totalLag === 0,
        ),
    "a sample with the two letters back and no lag",
    subscribed.intervalMs * 30,
  );
  // Nothing else waits: a second replay takes exactly the two that came back.
  expect(await socket.ok("admin.replayDeadLetters")).toEqual({ replayed: 2 });
  socket.close();
}, 180_000);
