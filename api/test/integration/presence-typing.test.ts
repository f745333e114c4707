// Presence and typing across two API nodes: co-members see online/away/offline and typing; a crashed
// node's users go offline within 1.25 × PRESENCE_TTL_MS (45 s in production, 6 s here).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerFrame } from "../../src/realtime/protocol.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const TTL_MS = 6000;
/** Sweeps run on timers and Redis/PostgreSQL answer late on a loaded 2-core machine: the slack allowed. */
const LOAD_MARGIN_MS = 3000;
let stack: TestStack;
let services: Running;
let nodes: ApiProcess[];

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  const env = { ...stack.env, PRESENCE_TTL_MS: String(TTL_MS) };
  nodes = await Promise.all([startApi(env), startApi(env)]);
}, 180_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await stack?.cleanup();
});

type Presence = Extract<ServerFrame, { type: "presence" }>;
const presenceOf = (socket: TestSocket, userId: string) =>
  socket.frames.filter((f): f is Presence => f.type === "presence" && f.userId === userId).map((f) => f.status);

describe("presence and typing", () => {
  it("reach co-members on another node, and a crashed node's users go offline", async () => {
    const [alice, bob, stranger] = await Promise.all([
      createUser(services.db),
      createUser(services.db),
      createUser(services.db),
    ]);
    const channel = await createChannel(services.db, [alice.id, bob.id]);
    const bobSocket = await TestSocket.connect((nodes[1] as ApiProcess).url, await sessionToken(services.db, bob.id));
    await bobSocket.ok("resume", { positions: {} });
    const strangerSocket = await TestSocket.connect(
      (nodes[1] as ApiProcess).url,
      await sessionToken(services.db, stranger.id),
    );
    await strangerSocket.ok("resume", { positions: {} });

    const aliceToken = await sessionToken(services.db, alice.id);
    let aliceSocket = await TestSocket.connect((nodes[0] as ApiProcess).url, aliceToken);
    await aliceSocket.ok("resume", { positions: {} });
    await waitFor(() => presenceOf(bobSocket, alice.id).includes("online"), "alice online");

    // @here mentions the members online right now: alice (online) but not carol (offline).
    const carol = await createUser(services.db);
    await services.db.channelMember.create({ data: { channelId: channel.id, userId: carol.id } });
    const here = await bobSocket.ok("sendMessage", {
      channelId: channel.id,
      clientId: "here-1",
      body: "@here standup",
    });
    await waitFor(() => bobSocket.events(channel.id).length === 1, "the @here message");
    const mentioned = await services.db.mention.findMany({ where: { messageId: here.messageId } });
    expect(mentioned.map((m) => [m.userId, m.kind])).toEqual([[alice.id, "here"]]);

    expect(await aliceSocket.ok("setPresence", { status: "away" })).toEqual({ status: "away" });
    await waitFor(() => presenceOf(bobSocket, alice.id).at(-1) === "away", "alice away");

    await aliceSocket.ok("typing", { channelId: channel.id });
    await aliceSocket.ok("typing", { channelId: channel.id }); // throttled: one signal
    await waitFor(() => bobSocket.frames.some((f) => f.type === "typing"), "typing");
    await new Promise((r) => setTimeout(r, 300));
    expect(bobSocket.frames.filter((f) => f.type === "typing")).toEqual([
      { type: "typing", channelId: channel.id, userId: alice.id },
    ]);
    expect(aliceSocket.frames.some((f) => f.type === "typing")).toBe(false);

    aliceSocket.close();
    await waitFor(() => presenceOf(bobSocket, alice.id).at(-1) === "offline", "alice offline after closing");
    const offline = bobSocket.frames.filter((f): f is Presence => f.type === "presence").at(-1);
    expect(offline?.lastSeenAt).toMatch(/^\d{4}-/);

    aliceSocket = await TestSocket.connect((nodes[0] as ApiProcess).url, aliceToken);
    await aliceSocket.ok("resume", { positions: {} });
    await waitFor(() => presenceOf(bobSocket, alice.id).at(-1) === "online", "alice back online");
    const crashedAt = Date.now();
    await (nodes[0] as ApiProcess).kill9();
    await waitFor(
      () => presenceOf(bobSocket, alice.id).at(-1) === "offline",
      "alice offline after the crash",
      TTL_MS * 3,
    );
    const elapsed = Date.now() - crashedAt;
    const bound = TTL_MS * 1.25 + LOAD_MARGIN_MS;
    console.log(`crashed node's user offline after ${elapsed} ms (promise 1.25 × ttl = ${TTL_MS * 1.25} ms)`);
    expect(elapsed, `within 1.25 × ttl + ${LOAD_MARGIN_MS} ms load margin`).toBeLessThanOrEqual(bound);
    expect(presenceOf(strangerSocket, alice.id)).toEqual([]);
    bobSocket.close();
    strangerSocket.close();
  }, 60_000);
});
