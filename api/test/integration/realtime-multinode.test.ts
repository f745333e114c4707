// Three API processes and a persister share nothing but PostgreSQL, Redis and Kafka. 30 clients spread
// over the nodes send concurrently into shared channels: every client receives every message exactly once,
// in the same order, identical to history.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, type ProcessHandle, startApi, startPersister } from "../support/processes.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const CLIENTS = 30;
const PER_CLIENT = 10;

let stack: TestStack;
let services: Running;
let nodes: ApiProcess[] = [];
let persister: ProcessHandle;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  [persister, ...nodes] = await Promise.all([
    startPersister(stack.env),
    ...[1, 2, 3].map((n) => startApi({ ...stack.env, NODE_ID: `api-${n}`, PERSISTER: "off" })),
  ]);
}, 180_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all([...nodes.map((n) => n.stop()), persister?.stop()]);
  await stack?.cleanup();
});

describe("three API nodes", () => {
  it("deliver every message exactly once, in one order, identical to history", async () => {
    const users = await Promise.all(Array.from({ length: CLIENTS }, () => createUser(services.db)));
    const channels = await Promise.all(
      [0, 1, 2].map(() =>
        createChannel(
          services.db,
          users.map((u) => u.id),
        ),
      ),
    );
    for (const [i, user] of users.entries()) {
      const node = nodes[i % nodes.length] as ApiProcess;
      const socket = await TestSocket.connect(node.url, await sessionToken(services.db, user.id));
      await socket.ok("resume", { positions: {} });
      sockets.push(socket);
    }

    await Promise.all(
      sockets.map(async (socket, i) => {
        for (let n = 0; n < PER_CLIENT; n++) {
          const channel = channels[(i + n) % channels.length] as { id: string };
          const result = await socket.ok("sendMessage", {
            channelId: channel.id,
            clientId: `c${i}-${n}`,
            body: `from ${i}: ${n}`,
          });
          expect(result.status).toBe("accepted");
        }
      }),
    );

    const total = CLIENTS * PER_CLIENT;
    for (const socket of sockets) await waitFor(() => socket.events().length >= total, "every message on every client");
    await new Promise((r) => setTimeout(r, 300)); // anything extra (a duplicate) would arrive now

    for (const channel of channels) {
      const history = await services.db.message.findMany({ where: { channelId: channel.id }, orderBy: { seq: "asc" } });
      const expected = history.map((m) => `${m.seq}:${m.body}`);
      expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
      for (const socket of sockets) {
        const seen = socket
          .events(channel.id)
          .map((e) => `${e.seq}:${e.type === "messageCreated" ? e.data.body : e.type}`);
        expect(seen).toEqual(expected);
      }
    }
    expect(await services.db.message.count()).toBe(total);
  });
});
