// Who may edit, delete, reply and react, and what a refusal leaves behind: each rule of messages/actions.ts
// and messages/checks.ts (plain pg on the hot path) on a real stack. A refused action emits nothing, so
// the channel's stored log is compared before and after.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteMessage, editMessage, sendMessage, toggleReaction } from "../../../src/messages/actions.js";
import { type Client, createChannelAs, type Harness, post, signIn, startHarness, until } from "./support.js";

let h: Harness;
let admin: Client;
let alice: Client;
let bob: Client;
let carol: Client;

beforeAll(async () => {
  h = await startHarness();
  admin = await signIn(h.services, "admin", "Admin");
  alice = await signIn(h.services, "member", "Alice");
  bob = await signIn(h.services, "member", "Bob");
  carol = await signIn(h.services, "member", "Carol");
});

afterAll(async () => {
  await h?.stop();
});

/** A public channel created by alice (its admin), joined by bob and the workspace admin. */
async function sharedChannel() {
  const channel = await createChannelAs(alice, "public");
  for (const client of [bob, admin]) await client.call("POST", `/api/channels/${channel.id}/join`);
  return channel;
}

const lastSeq = async (channelId: string) =>
  (await h.services.db.channel.findUniqueOrThrow({ where: { id: channelId } })).lastSeq;

/** Waits until the persister stored everything accepted so far in the channel, by a marker message. */
async function settled(channelId: string) {
  const marker = await post(h.services, alice, channelId, `marker ${randomUUID()}`);
  return marker.seq;
}

describe("editing and deleting", () => {
  it("only the author edits; refusals store nothing", async () => {
    const channel = await sharedChannel();
    const message = await post(h.services, alice, channel.id, "first words");
    await expect(editMessage(h.services, bob.user, message.id, "bob's words")).rejects.toMatchObject({
      status: 403,
      code: "not_author",
    });
    await expect(editMessage(h.services, carol.user, message.id, "carol's words")).rejects.toMatchObject({
      status: 403,
    });
    const before = await lastSeq(channel.id);
    await editMessage(h.services, alice.user, message.id, "better words");
    await until(() => h.services.db.message.findFirst({ where: { id: message.id, body: "better words" } }), "the edit");
    expect(await lastSeq(channel.id)).toBe(before + 1); // the edit alone was stored
  });

  it("the author, a channel admin or a workspace admin may delete; another member may not", async () => {
    const channel = await sharedChannel();
    const byBob = await post(h.services, bob, channel.id, "bob's");
    const forAlice = await post(h.services, bob, channel.id, "for the channel admin");
    const forAdmin = await post(h.services, alice, channel.id, "for the workspace admin");
    await expect(deleteMessage(h.services, bob.user, forAdmin.id)).rejects.toMatchObject({ code: "not_author" });
    await deleteMessage(h.services, bob.user, byBob.id);
    await deleteMessage(h.services, alice.user, forAlice.id); // alice created the channel: its admin
    await deleteMessage(h.services, admin.user, forAdmin.id);
    for (const id of [byBob.id, forAlice.id, forAdmin.id])
      await until(() => h.services.db.message.findFirst({ where: { id, deletedAt: { not: null } } }), `delete ${id}`);
    await expect(editMessage(h.services, bob.user, byBob.id, "back")).rejects.toMatchObject({ status: 404 });
  });
});

describe("replies", () => {
  it("go to a thread's first message in the same channel", async () => {
    const channel = await sharedChannel();
    const other = await sharedChannel();
    const root = await post(h.services, alice, channel.id, "root");
    const reply = await post(h.services, bob, channel.id, "reply", root.id);
    const send = (channelId: string, parentId: string) =>
      sendMessage(h.services, bob.user, { channelId, clientId: randomUUID(), body: "x", parentId });
    await expect(send(channel.id, reply.id)).rejects.toMatchObject({ status: 400, code: "bad_parent" });
    await expect(send(other.id, root.id)).rejects.toMatchObject({ status: 400, code: "bad_parent" });
    await expect(send(channel.id, randomUUID())).rejects.toMatchObject({ status: 404 });
    const seq = await settled(channel.id);
    expect(await h.services.db.message.count({ where: { channelId: channel.id } })).toBe(3); // root, reply, marker
    expect(seq).toBe(await lastSeq(channel.id));
    expect((await h.services.db.message.findUniqueOrThrow({ where: { id: root.id } })).replyCount).toBe(1);
  });
});

describe("reactions", () => {
  it("toggle per user and emoji; bad emoji and non-members are refused", async () => {
    const channel = await sharedChannel();
    const message = await post(h.services, alice, channel.id, "react to me");
    const first = await toggleReaction(h.services, bob.user, message.id, "👍");
    expect(first.added).toBe(true);
    await until(() => h.services.db.reaction.findFirst({ where: { messageId: message.id } }), "the reaction");
    const second = await toggleReaction(h.services, bob.user, message.id, "👍");
    expect(second.added).toBe(false);
    await until(
      async () => (await h.services.db.reaction.count({ where: { messageId: message.id } })) === 0,
      "the reaction removed",
    );
    await expect(toggleReaction(h.services, bob.user, message.id, "not an emoji")).rejects.toMatchObject({
      code: "bad_emoji",
    });
    await expect(toggleReaction(h.services, carol.user, message.id, "👍")).rejects.toMatchObject({
      status: 403,
      code: "not_member",
    });
  });
});

describe("sending", () => {
  it("resolves @mentions to members only, and a clientId names one message", async () => {
    const channel = await sharedChannel();
    const other = await sharedChannel();
    const clientId = randomUUID();
    const input = { channelId: channel.id, clientId, body: `hi <@${bob.user.id}> and <@${carol.user.id}>` };
    const sent = await sendMessage(h.services, alice.user, input);
    expect(sent.status).toBe("accepted");
    await until(() => h.services.db.message.findUnique({ where: { id: sent.messageId } }), "the message");
    expect(await sendMessage(h.services, alice.user, input)).toMatchObject({
      messageId: sent.messageId,
      status: "duplicate",
    });
    await expect(sendMessage(h.services, alice.user, { ...input, channelId: other.id })).rejects.toMatchObject({
      status: 409,
      code: "client_id_reused",
    });
    const mentions = await h.services.db.mention.findMany({ where: { messageId: sent.messageId } });
    expect(mentions.map((m) => m.userId)).toEqual([bob.user.id]); // carol is not a member
  });

  it("refuses archived channels and non-members", async () => {
    const channel = await sharedChannel();
    const send = (client: Client) =>
      sendMessage(h.services, client.user, { channelId: channel.id, clientId: randomUUID(), body: "hello" });
    await expect(send(carol)).rejects.toMatchObject({ status: 403, code: "not_member" });
    expect((await alice.call("POST", `/api/channels/${channel.id}/archive`)).status).toBe(200);
    await expect(send(bob)).rejects.toMatchObject({ status: 409, code: "archived" });
    await expect(
      sendMessage(h.services, bob.user, { channelId: randomUUID(), clientId: randomUUID(), body: "x" }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("answers each of many sends checked together on its own", async () => {
    // Sends in one turn share one check query (lib/turn-batch.ts): each must still get its own verdict.
    const channel = await sharedChannel();
    const stored = await post(h.services, alice, channel.id, "stored before");
    const send = (client: Client, channelId: string, clientId: string = randomUUID()) =>
      sendMessage(h.services, client.user, { channelId, clientId, body: "together" });
    const results = await Promise.allSettled([
      send(bob, channel.id),
      send(carol, channel.id),
      send(alice, channel.id, stored.clientId),
      send(bob, randomUUID()),
      send(admin, channel.id),
    ]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value.status : r.reason.code))).toEqual([
      "accepted",
      "not_member",
      "duplicate",
      "not_found",
      "accepted",
    ]);
  });
});
