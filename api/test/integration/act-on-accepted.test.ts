// Acting on a message just accepted (issue #11 item 2): right after sendMessage replied "accepted", an edit,
// a reaction, a deletion or a reply on that message, from the same socket or from another node, succeeds and
// is applied in the order it was sent. Two API nodes on real Kafka, Redis and PostgreSQL; the persister is
// started only after every action was accepted, so none of them can lean on the message being stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelEvent } from "../../src/realtime/channel-events.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, type ProcessHandle, startApi, startPersister } from "../support/processes.js";
import { sessionToken, TestSocket } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let nodeA: ApiProcess;
let nodeB: ApiProcess;
let persister: ProcessHandle | undefined;

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  [nodeA, nodeB] = await Promise.all([
    startApi({ ...stack.env, PERSISTER: "off", NODE_ID: "node-a" }),
    startApi({ ...stack.env, PERSISTER: "off", NODE_ID: "node-b" }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([nodeA?.stop(), nodeB?.stop(), persister?.stop()]);
  await stack?.cleanup();
});

const summary = (e: ChannelEvent) => {
  const data = e.data as { messageId?: string; body?: string; emoji?: string };
  return [e.type, data.messageId, data.body ?? data.emoji ?? null];
};

describe("a message just accepted", () => {
  it("can be edited, reacted to, replied to and deleted at once, on the same socket and another node, in order", async () => {
    const [author, friend, outsider] = await Promise.all([
      createUser(services.db),
      createUser(services.db),
      createUser(services.db),
    ]);
    const channel = await createChannel(services.db, [author.id, friend.id], "private");
    const token = await sessionToken(services.db, author.id);
    const [onA, alsoOnB, friendOnB, outsiderOnB] = await Promise.all([
      TestSocket.connect(nodeA.url, token),
      TestSocket.connect(nodeB.url, token),
      TestSocket.connect(nodeB.url, await sessionToken(services.db, friend.id)),
      TestSocket.connect(nodeB.url, await sessionToken(services.db, outsider.id)),
    ]);
    const send = (socket: TestSocket, clientId: string, body: string, parentId?: string) =>
      socket.ok("sendMessage", { channelId: channel.id, clientId, body, ...(parentId ? { parentId } : {}) });
    const expected: unknown[][] = [];

    // The same socket, each request right after the previous reply, as a client fixing a typo at once.
    const first = await send(onA, "m1", "helo");
    expected.push(["messageCreated", first.messageId, "helo"]);
    expect(await onA.ok("editMessage", { messageId: first.messageId, body: "hello" })).toEqual({
      messageId: first.messageId,
      status: "accepted",
    });
    expected.push(["messageEdited", first.messageId, "hello"]);
    for (const [emoji, added] of [
      ["👍", true],
      ["🎉", true],
      ["🎉", false],
    ] as const) {
      expect(await onA.ok("toggleReaction", { messageId: first.messageId, emoji })).toMatchObject({ added });
      expected.push([added ? "reactionAdded" : "reactionRemoved", first.messageId, emoji]);
    }
    const reply = await send(onA, "r1", "a reply", first.messageId);
    expected.push(["messageCreated", reply.messageId, "a reply"]);
    const second = await send(onA, "m2", "oops");
    expected.push(["messageCreated", second.messageId, "oops"]);
    expect(await onA.ok("deleteMessage", { messageId: second.messageId })).toMatchObject({ status: "accepted" });
    expected.push(["messageDeleted", second.messageId, null]);

    // Another node: the author's other tab, and another member.
    const third = await send(onA, "m3", "from node a");
    expected.push(["messageCreated", third.messageId, "from node a"]);
    await alsoOnB.ok("editMessage", { messageId: third.messageId, body: "edited on node b" });
    expected.push(["messageEdited", third.messageId, "edited on node b"]);
    expect(await friendOnB.ok("toggleReaction", { messageId: third.messageId, emoji: "👀" })).toMatchObject({
      added: true,
    });
    expected.push(["reactionAdded", third.messageId, "👀"]);
    // Still checked as for a stored message: only the author edits; outsiders learn nothing.
    expect(await friendOnB.request("editMessage", { messageId: third.messageId, body: "mine now" })).toMatchObject({
      ok: false,
      error: { code: "not_author" },
    });
    for (const [type, payload] of [
      ["editMessage", { messageId: third.messageId, body: "let me in" }],
      ["toggleReaction", { messageId: third.messageId, emoji: "👎" }],
      ["deleteMessage", { messageId: third.messageId }],
    ] as const) {
      expect(await outsiderOnB.request(type, payload), type).toMatchObject({
        ok: false,
        error: { code: "not_member" },
      });
    }
    await alsoOnB.ok("deleteMessage", { messageId: third.messageId });
    expected.push(["messageDeleted", third.messageId, null]);

    // Nothing was stored while all of that was accepted; now the persister applies it in order.
    expect(await services.db.message.count({ where: { channelId: channel.id } })).toBe(0);
    persister = await startPersister(stack.env);
    const stored = () =>
      services.sql.query<{ payload: ChannelEvent }>(
        `SELECT payload FROM "ChannelEvent" WHERE "channelId" = $1 AND type <> 'memberJoined' ORDER BY seq`,
        [channel.id],
      );
    let events: ChannelEvent[] = [];
    const deadline = Date.now() + 60_000;
    while (events.length < expected.length && Date.now() < deadline) {
      events = (await stored()).rows.map((r) => r.payload);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Stored event bodies hold each message's current text (older versions are rewritten): compare types,
    // messages and reactions in order, and the texts through the messages.
    expect(events.map((e) => summary(e).slice(0, 2))).toEqual(expected.map((e) => e.slice(0, 2)));
    const rows = await services.db.message.findMany({
      where: { channelId: channel.id },
      include: { reactions: true },
      orderBy: { seq: "asc" },
    });
    expect(rows.map((m) => [m.id, m.body, m.deletedAt !== null, m.reactions.map((r) => r.emoji)])).toEqual([
      [first.messageId, "hello", false, ["👍"]],
      [reply.messageId, "a reply", false, []],
      [second.messageId, "", true, []],
      [third.messageId, "", true, ["👀"]],
    ]);
    expect(rows[1]?.parentId).toBe(first.messageId);
    expect((await services.db.message.findUniqueOrThrow({ where: { id: first.messageId } })).replyCount).toBe(1);
    for (const socket of [onA, alsoOnB, friendOnB, outsiderOnB]) socket.close();
  }, 180_000);
});
