// SIGTERM on an API node: sockets are closed with the "reconnect and resume" code, what was accepted is
// stored, its users are announced offline at once to co-members on another node (not a ttl later, as after
// a crash), and the process exits cleanly. The node runs its persister inline (the default).
import { afterAll, beforeAll, expect, it } from "vitest";
import { CloseCode, type ServerFrame } from "../../src/realtime/protocol.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let api: ApiProcess;
/** Another node that keeps running. */
let peer: ApiProcess;

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  [api, peer] = await Promise.all([startApi(stack.env), startApi(stack.env)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([api?.stop(), peer?.stop()]);
  await stack?.cleanup();
});

type Presence = Extract<ServerFrame, { type: "presence" }>;
const presenceOf = (socket: TestSocket, userId: string) =>
  socket.frames.filter((f): f is Presence => f.type === "presence" && f.userId === userId);

it("closes sockets with 1012, keeps what it accepted, and exits 0 on SIGTERM", async () => {
  const [user, colleague] = await Promise.all([createUser(services.db), createUser(services.db)]);
  const channel = await createChannel(services.db, [user.id, colleague.id]);
  const watcher = await TestSocket.connect(peer.url, await sessionToken(services.db, colleague.id));
  await watcher.ok("resume", { positions: {} });
  const socket = await TestSocket.connect(api.url, await sessionToken(services.db, user.id));
  await socket.ok("resume", { positions: {} });
  await waitFor(() => presenceOf(watcher, user.id).at(-1)?.status === "online", "the user online");
  const accepted = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      socket.ok("sendMessage", { channelId: channel.id, clientId: `s${i}`, body: `m${i}` }),
    ),
  );
  expect(accepted.every((r) => r.status === "accepted")).toBe(true);

  const exited = new Promise<number | null>((resolve) => api.child.once("exit", (code) => resolve(code)));
  const stoppedAt = Date.now();
  api.child.kill("SIGTERM");
  // Timed from SIGTERM on its own, not after the exit: the announce comes first in the shutdown, while the
  // exit also waits for Kafka to let go, which can take seconds on a loaded machine.
  const offlineAfter = waitFor(
    () => presenceOf(watcher, user.id).at(-1)?.status === "offline",
    "the user offline",
    20_000,
  ).then(
    () => Date.now() - stoppedAt,
    () => Number.POSITIVE_INFINITY,
  );
  expect(await socket.closed).toBe(CloseCode.restarting);
  const code = await exited;
  if (code !== 0) console.log(api.output());
  expect(code).toBe(0);
  // PRESENCE_TTL_MS is 45 s here, so a ttl expiry would take at least 45 s: well under that, only the
  // shutdown itself can have announced the user (it takes ~0.1 s when the machine is idle).
  expect(await offlineAfter).toBeLessThan(15_000);
  expect(presenceOf(watcher, user.id).at(-1)?.lastSeenAt).toMatch(/^\d{4}-/);
  watcher.close();

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

it("a user who reconnects to another node during the drain is never shown offline; one who does not is", async () => {
  const [mover, leaver, colleague] = await Promise.all([
    createUser(services.db),
    createUser(services.db),
    createUser(services.db),
  ]);
  await createChannel(services.db, [mover.id, leaver.id, colleague.id]);
  const watcher = await TestSocket.connect(peer.url, await sessionToken(services.db, colleague.id));
  await watcher.ok("resume", { positions: {} });
  const moverToken = await sessionToken(services.db, mover.id);
  const moving = await TestSocket.connect(api.url, moverToken);
  await moving.ok("resume", { positions: {} });
  const leaving = await TestSocket.connect(api.url, await sessionToken(services.db, leaver.id));
  await leaving.ok("resume", { positions: {} });
  await waitFor(
    () =>
      presenceOf(watcher, mover.id).at(-1)?.status === "online" &&
      presenceOf(watcher, leaver.id).at(-1)?.status === "online",
    "both users online",
  );
  const seenBefore = presenceOf(watcher, mover.id).length;

  const exited = new Promise<number | null>((resolve) => api.child.once("exit", (code) => resolve(code)));
  api.child.kill("SIGTERM");
  // As the web client does on 1012: straight to another node, and resume there.
  expect(await moving.closed).toBe(CloseCode.restarting);
  const moved = await TestSocket.connect(peer.url, moverToken);
  await moved.ok("resume", { positions: {} });
  expect(await exited).toBe(0);
  expect(await leaving.closed).toBe(CloseCode.restarting);
  await waitFor(() => presenceOf(watcher, leaver.id).at(-1)?.status === "offline", "the leaver offline", 15_000);
  // Announcements of the draining node came before its exit; give the bus a moment to bring any.
  await new Promise((r) => setTimeout(r, 500));
  expect(
    presenceOf(watcher, mover.id)
      .slice(seenBefore)
      .map((f) => f.status),
  ).not.toContain("offline");
  moved.close();
  watcher.close();
  api = await startApi(stack.env);
}, 90_000);
