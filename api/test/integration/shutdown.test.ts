// SIGTERM on an API node: sockets are closed with the "reconnect and resume" code, what was accepted is
// stored, and the process exits cleanly. The node runs its persister inline (the default).
import { afterAll, beforeAll, expect, it } from "vitest";
import { CloseCode } from "../../src/realtime/protocol.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { sessionToken, TestSocket } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  api = await startApi(stack.env);
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await stack?.cleanup();
});

it("closes sockets with 4000, keeps what it accepted, and exits 0 on SIGTERM", async () => {
  const user = await createUser(services.db);
  const channel = await createChannel(services.db, [user.id]);
  const socket = await TestSocket.connect(api.url, await sessionToken(services.db, user.id));
  await socket.ok("resume", { positions: {} });
  const accepted = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      socket.ok("sendMessage", { channelId: channel.id, clientId: `s${i}`, body: `m${i}` }),
    ),
  );
  expect(accepted.every((r) => r.status === "accepted")).toBe(true);

  const exited = new Promise<number | null>((resolve) => api.child.once("exit", (code) => resolve(code)));
  api.child.kill("SIGTERM");
  expect(await socket.closed).toBe(CloseCode.restarting);
  const code = await exited;
  if (code !== 0) console.log(api.output());
  expect(code).toBe(0);

  // Accepted means in Kafka: a persister that starts later stores all of it.
  api = await startApi(stack.env);
  let stored = 0;
  const deadline = Date.now() + 30_000;
  while (stored < 20 && Date.now() < deadline) {
    stored = await services.db.message.count({ where: { channelId: channel.id } });
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(stored).toBe(20);
}, 90_000);
