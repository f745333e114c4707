// Crashes and disconnects on real services: nothing acknowledged is lost or duplicated, in the database
// or on any client. Two API processes and a persister process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, type ProcessHandle, startApi, startPersister } from "../support/processes.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let nodes: ApiProcess[];
let persister: ProcessHandle;

const apiEnv = () => ({ ...stack.env, PERSISTER: "off", SEND_RATE_PER_10S: "100000" });

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  [persister, ...nodes] = await Promise.all([startPersister(stack.env), startApi(apiEnv()), startApi(apiEnv())]);
}, 180_000);

afterAll(async () => {
  await Promise.all([...nodes.map((n) => n.stop()), persister?.stop()]);
  await stack?.cleanup();
});

const node = (i: number) => nodes[i] as ApiProcess;
const bodies = (events: ReturnType<TestSocket["events"]>) =>
  events.map((e) => (e.type === "messageCreated" ? e.data.body : e.type));

/** Sends `count` messages one after another, retrying each (same clientId) through `reconnect` on failure. */
async function sendAll(
  socket: () => TestSocket,
  reconnect: () => Promise<void>,
  channelId: string,
  prefix: string,
  count: number,
) {
  for (let i = 0; i < count; i++) {
    for (;;) {
      try {
        const reply = await socket().request(
          "sendMessage",
          { channelId, clientId: `${prefix}-${i}`, body: `${prefix} ${i}` },
          5000,
        );
        if (reply.ok) break;
      } catch {
        // no reply: the node died under us
      }
      await reconnect();
    }
  }
}

async function expectExactlyOnce(channelId: string, expected: string[], sockets: TestSocket[]) {
  const stored = await services.db.message.findMany({ where: { channelId }, orderBy: { seq: "asc" } });
  expect(stored.map((m) => m.body).sort()).toEqual([...expected].sort());
  expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
  for (const s of sockets) expect(bodies(s.events(channelId))).toEqual(stored.map((m) => m.body));
}

describe("recovery", () => {
  it("a client away for 10 s while 500 messages flow resumes with all of them, in order", async () => {
    const [sender, reader] = await Promise.all([createUser(services.db), createUser(services.db)]);
    const channel = await createChannel(services.db, [sender.id, reader.id]);
    const readerToken = await sessionToken(services.db, reader.id);
    const out = await TestSocket.connect(node(0).url, await sessionToken(services.db, sender.id));
    await out.ok("resume", { positions: {} });
    let first = await TestSocket.connect(node(1).url, readerToken);
    await first.ok("resume", { positions: {} });
    await out.ok("sendMessage", { channelId: channel.id, clientId: "before", body: "before" });
    await waitFor(() => first.events(channel.id).length === 1, "the first message");
    const position = first.events(channel.id).at(-1)?.seq ?? 0;
    first.close();

    const started = Date.now();
    await sendAll(
      () => out,
      async () => {},
      channel.id,
      "gap",
      500,
    );
    await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - started))));

    first = await TestSocket.connect(node(0).url, readerToken);
    const resumed = await first.ok("resume", { positions: { [channel.id]: position } });
    expect(resumed.channels.find((c) => c.channelId === channel.id)).toMatchObject({ fromSeq: 1, resync: false });
    await out.ok("sendMessage", { channelId: channel.id, clientId: "after", body: "after" });
    await waitFor(() => first.events(channel.id).length === 501, "the missed 500 and the live one");
    expect(bodies(first.events(channel.id))).toEqual([...Array.from({ length: 500 }, (_, i) => `gap ${i}`), "after"]);
    expect(first.events(channel.id).map((e) => e.seq)).toEqual(Array.from({ length: 501 }, (_, i) => i + 2));
    out.close();
    first.close();
  }, 120_000);

  it("kill -9 of the persister mid-stream loses and duplicates nothing", async () => {
    const [sender, reader] = await Promise.all([createUser(services.db), createUser(services.db)]);
    const channel = await createChannel(services.db, [sender.id, reader.id]);
    const out = await TestSocket.connect(node(0).url, await sessionToken(services.db, sender.id));
    const inbox = await TestSocket.connect(node(1).url, await sessionToken(services.db, reader.id));
    await Promise.all([out.ok("resume", { positions: {} }), inbox.ok("resume", { positions: {} })]);

    const sending = sendAll(
      () => out,
      async () => {},
      channel.id,
      "p",
      300,
    );
    await waitFor(() => inbox.events(channel.id).length >= 60, "some deliveries");
    await persister.kill9();
    await new Promise((r) => setTimeout(r, 1000)); // sends keep being accepted into Kafka meanwhile
    persister = await startPersister(stack.env);
    await sending;

    await waitFor(() => inbox.events(channel.id).length >= 300, "all 300 after the restart", 60_000);
    await new Promise((r) => setTimeout(r, 500));
    await expectExactlyOnce(
      channel.id,
      Array.from({ length: 300 }, (_, i) => `p ${i}`),
      [inbox],
    );
    out.close();
    inbox.close();
  }, 120_000);

  it("kill -9 of an API node mid-stream: its clients resume elsewhere, nothing lost or doubled", async () => {
    const [sender, reader] = await Promise.all([createUser(services.db), createUser(services.db)]);
    const channel = await createChannel(services.db, [sender.id, reader.id]);
    const senderToken = await sessionToken(services.db, sender.id);
    const readerToken = await sessionToken(services.db, reader.id);
    let out = await TestSocket.connect(node(0).url, senderToken);
    let inbox = await TestSocket.connect(node(0).url, readerToken);
    await Promise.all([out.ok("resume", { positions: {} }), inbox.ok("resume", { positions: {} })]);
    const received = () => inbox.events(channel.id);
    const seen: ReturnType<TestSocket["events"]> = [];

    const failover = async () => {
      if (out.closeCode === null && node(0).child.exitCode === null && node(0).child.signalCode === null) return;
      out = await TestSocket.connect(node(1).url, senderToken);
      await out.ok("resume", { positions: {} });
    };
    const sending = sendAll(() => out, failover, channel.id, "k", 300);
    await waitFor(() => received().length >= 80, "some deliveries");
    await node(0).kill9();
    seen.push(...received());
    const position = seen.at(-1)?.seq ?? 0;
    inbox = await TestSocket.connect(node(1).url, readerToken);
    await inbox.ok("resume", { positions: { [channel.id]: position } });
    await sending;

    await waitFor(() => seen.length + received().length >= 300, "all 300 across both sockets", 60_000);
    await new Promise((r) => setTimeout(r, 500));
    const all = [...seen, ...received()];
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    const stored = await services.db.message.findMany({ where: { channelId: channel.id }, orderBy: { seq: "asc" } });
    expect(stored.map((m) => m.body).sort()).toEqual(Array.from({ length: 300 }, (_, i) => `k ${i}`).sort());
    expect(bodies(all)).toEqual(stored.map((m) => m.body));
    out.close();
    inbox.close();
    nodes[0] = await startApi(apiEnv());
  }, 150_000);
});
