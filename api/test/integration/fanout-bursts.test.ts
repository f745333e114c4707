// The fan-out encodes each frame once per node and corks each socket for the rest of the turn, so bursts
// (several channels at once, a catch-up from the log) leave in few writes. Frames must still arrive as
// text, intact and in order; and a co-member's presence change reaches each socket exactly once, whether
// they share one channel or several (presence is deduplicated per node, not per socket).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawData } from "ws";
import type { ServerFrame } from "../../src/realtime/protocol.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let nodes: ApiProcess[];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  const env = { ...stack.env, SEND_RATE_PER_10S: "100000" };
  nodes = await Promise.all([startApi(env), startApi({ ...env, PERSISTER: "off" })]);
}, 180_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all((nodes ?? []).map((n) => n.stop()));
  await stack?.cleanup();
});

async function connect(node: ApiProcess, userId: string) {
  const socket = await TestSocket.connect(node.url, await sessionToken(services.db, userId));
  sockets.push(socket);
  return socket;
}

async function userIds(count: number): Promise<string[]> {
  return (await Promise.all(Array.from({ length: count }, () => createUser(services.db)))).map((u) => u.id);
}

/** Counts binary frames: every server frame must be text, also when sent as bytes encoded once. */
function countBinary(socket: TestSocket) {
  const counter = { binary: 0 };
  socket.ws.on("message", (_data: RawData, isBinary: boolean) => {
    if (isBinary) counter.binary++;
  });
  return counter;
}

const bodyOf = (channel: number, n: number) => `c${channel}-${n}:${"é€x".repeat((n * 37) % 1300)}`;

describe("fan-out bursts", () => {
  it("deliver every channel's frames intact and in order, live and replayed", async () => {
    const [writer, reader, late] = (await userIds(3)) as [string, string, string];
    const channels = await Promise.all([0, 1, 2].map(() => createChannel(services.db, [writer, reader, late])));
    const [api, other] = nodes as [ApiProcess, ApiProcess];
    const live = await connect(other, reader);
    const binary = countBinary(live);
    await live.ok("resume", { positions: {} });
    const senders = await Promise.all([0, 1, 2].map(() => connect(api, writer)));

    const PER_CHANNEL = 60;
    await Promise.all(
      channels.map(async (channel, c) => {
        const sender = senders[c] as TestSocket;
        // Unawaited sends: many events per channel announced close together, three channels at once. Retried
        // on log_unavailable as a client does (CI at load average 40 once waited longer than the send timeout).
        await Promise.all(
          Array.from({ length: PER_CHANNEL }, (_, n) =>
            sender.okRetrying("sendMessage", { channelId: channel.id, clientId: `b${c}-${n}`, body: bodyOf(c, n) }),
          ),
        );
      }),
    );
    const total = channels.length * PER_CHANNEL;
    await waitFor(() => live.events().length === total, "every live event");

    const replay = await connect(other, late);
    const replayBinary = countBinary(replay);
    const positions = Object.fromEntries(channels.map((c) => [c.id, 0]));
    await replay.ok("resume", { positions });

    for (const socket of [live, replay]) {
      for (const [c, channel] of channels.entries()) {
        const events = socket.events(channel.id);
        expect(events.map((e) => e.seq)).toEqual(Array.from({ length: PER_CHANNEL }, (_, i) => i + 1));
        const bodies = events.map((e) => (e.type === "messageCreated" ? e.data.body : ""));
        expect(new Set(bodies)).toEqual(new Set(Array.from({ length: PER_CHANNEL }, (_, n) => bodyOf(c, n))));
      }
    }
    // The catch-up leaves before the resume's reply, on the same socket.
    const replyAt = replay.frames.findIndex((f) => f.type === "reply");
    expect(replay.frames.slice(0, replyAt).filter((f) => f.type === "channelEvent")).toHaveLength(total);
    expect(binary.binary + replayBinary.binary).toBe(0);
  }, 120_000);

  it("give each socket a co-member's presence change once, across one or several shared channels", async () => {
    const [a, b, c, d] = (await userIds(4)) as [string, string, string, string];
    // bob shares two channels with alice (two copies reach his node), carol and dave one each.
    await createChannel(services.db, [a, b, c]);
    await createChannel(services.db, [a, b, d]);
    const [api, other] = nodes as [ApiProcess, ApiProcess];
    const watchers = [await connect(other, b), await connect(other, c), await connect(other, d), await connect(api, b)];
    for (const w of watchers) await w.ok("resume", { positions: {} });

    type Presence = Extract<ServerFrame, { type: "presence" }>;
    const changesOf = (socket: TestSocket) =>
      socket.frames.filter((f): f is Presence => f.type === "presence" && f.userId === a).map((f) => f.status);
    const aliceSocket = await connect(api, a);
    await aliceSocket.ok("resume", { positions: {} });
    await waitFor(() => watchers.every((w) => changesOf(w).includes("online")), "alice online everywhere");
    await aliceSocket.ok("setPresence", { status: "away" });
    await waitFor(() => watchers.every((w) => changesOf(w).at(-1) === "away"), "alice away everywhere");
    await aliceSocket.ok("setPresence", { status: "online" });
    await waitFor(() => watchers.every((w) => changesOf(w).at(-1) === "online"), "alice back everywhere");
    await new Promise((r) => setTimeout(r, 500)); // any late repeat would have arrived by now
    for (const w of watchers) expect(changesOf(w)).toEqual(["online", "away", "online"]);
  }, 120_000);
});
