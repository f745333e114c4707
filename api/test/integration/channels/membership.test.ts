// Membership and channel changes: committed in PostgreSQL, recorded in the channel's log by the persister
// (memberJoined, memberLeft, channelUpdated) and told to the affected users' sockets (membershipChanged).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendMessage } from "../../../src/messages/actions.js";
import type { ChannelEvent } from "../../../src/realtime/channel-events.js";
import {
  type Client,
  createChannelAs,
  type Harness,
  signIn,
  startHarness,
  storedEvents,
  until,
  watchControl,
} from "./support.js";

let h: Harness;
let admin: Client;
let alice: Client;
let bob: Client;
let carol: Client;

beforeAll(async () => {
  h = await startHarness();
  admin = await signIn(h.services, "admin");
  alice = await signIn(h.services, "member", "Alice");
  bob = await signIn(h.services, "member", "Bob");
  carol = await signIn(h.services, "member", "Carol");
});

afterAll(async () => {
  await h?.stop();
});

const membership = (e: ChannelEvent) =>
  e.type === "memberJoined" || e.type === "memberLeft" ? [e.type, e.actorId, e.data.userId] : [e.type];
const errorOf = (res: { status: number; body: { error?: { code: string } } }) => [res.status, res.body.error?.code];
const isMember = (channelId: string, userId: string) =>
  h.services.db.channelMember.count({ where: { channelId, userId } });

describe("join, invite, kick, leave", () => {
  it("each is stored as a channel event and tells the user's sockets", async () => {
    const aliceControl = await watchControl(h.services, alice.user.id);
    const bobControl = await watchControl(h.services, bob.user.id);
    const carolControl = await watchControl(h.services, carol.user.id);
    const channel = await createChannelAs(alice, "public");

    expect((await bob.call("POST", `/api/channels/${channel.id}/join`)).status).toBe(200);
    expect((await bob.call("POST", `/api/channels/${channel.id}/join`)).status).toBe(200); // again: no change
    const invited = await bob.call("POST", `/api/channels/${channel.id}/members`, {
      userIds: [carol.user.id, bob.user.id],
    });
    expect(invited.body).toEqual({ added: [carol.user.id] });
    expect((await alice.call("DELETE", `/api/channels/${channel.id}/members/${carol.user.id}`)).status).toBe(204);
    expect((await bob.call("POST", `/api/channels/${channel.id}/leave`)).status).toBe(204);

    const events = await storedEvents(h.services, channel.id, 5);
    expect(events.map(membership)).toEqual([
      ["memberJoined", alice.user.id, alice.user.id],
      ["memberJoined", bob.user.id, bob.user.id],
      ["memberJoined", bob.user.id, carol.user.id],
      ["memberLeft", alice.user.id, carol.user.id],
      ["memberLeft", bob.user.id, bob.user.id],
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);

    await until(async () => bobControl.length >= 2 && carolControl.length >= 2, "control messages");
    expect(aliceControl).toEqual([{ type: "membershipChanged", joined: [channel.id], left: [] }]);
    expect(bobControl).toEqual([
      { type: "membershipChanged", joined: [channel.id], left: [] },
      { type: "membershipChanged", joined: [], left: [channel.id] },
    ]);
    expect(carolControl).toEqual([
      { type: "membershipChanged", joined: [channel.id], left: [] },
      { type: "membershipChanged", joined: [], left: [channel.id] },
    ]);
    expect(await isMember(channel.id, bob.user.id)).toBe(0);
    expect(await isMember(channel.id, alice.user.id)).toBe(1);
  });

  it("a newcomer's read position starts at the channel's end", async () => {
    const channel = await createChannelAs(alice, "public");
    await sendMessage(h.services, alice.user, { channelId: channel.id, clientId: randomUUID(), body: "before bob" });
    await storedEvents(h.services, channel.id, 2);
    await bob.call("POST", `/api/channels/${channel.id}/join`);
    const mine = await bob.call("GET", "/api/channels");
    const entry = mine.body.channels.find((c: { id: string }) => c.id === channel.id);
    expect(entry).toMatchObject({ lastReadSeq: 2, unreadCount: 0 });
  });
});

describe("who may manage a channel", () => {
  it("private: only its channel admins invite; members cannot join or kick; workspace admins outside only remove", async () => {
    const channel = await createChannelAs(alice, "private");
    // Joining answers a private channel exactly as one that does not exist (issue #11 item 6).
    const join = await bob.call("POST", `/api/channels/${channel.id}/join`);
    const nowhere = await bob.call("POST", `/api/channels/${randomUUID()}/join`);
    expect([join.status, join.body]).toEqual([404, { error: { code: "not_found", message: "Channel not found." } }]);
    expect([nowhere.status, nowhere.body]).toEqual([join.status, join.body]);
    expect((await alice.call("POST", `/api/channels/${channel.id}/members`, { userIds: [bob.user.id] })).status).toBe(
      200,
    );
    expect(
      errorOf(await bob.call("POST", `/api/channels/${channel.id}/members`, { userIds: [carol.user.id] })),
    ).toEqual([403, "not_channel_admin"]);
    expect(errorOf(await bob.call("DELETE", `/api/channels/${channel.id}/members/${alice.user.id}`))).toEqual([
      403,
      "not_channel_admin",
    ]);
    // A workspace admin who is not a member may remove people, but add no one, themselves least of all:
    // that would let them read a private conversation (as in Slack).
    for (const userIds of [[admin.user.id], [carol.user.id]]) {
      expect(errorOf(await admin.call("POST", `/api/channels/${channel.id}/members`, { userIds }))).toEqual([
        403,
        "not_member",
      ]);
    }
    expect(await isMember(channel.id, admin.user.id)).toBe(0);
    expect(await isMember(channel.id, carol.user.id)).toBe(0);
    expect((await admin.call("DELETE", `/api/channels/${channel.id}/members/${bob.user.id}`)).status).toBe(204);
    expect(await isMember(channel.id, bob.user.id)).toBe(0);
  });

  it("renames and archives with channelUpdated events; an archived channel takes no posts or joins", async () => {
    const channel = await createChannelAs(alice, "public");
    expect(errorOf(await bob.call("PATCH", `/api/channels/${channel.id}`, { topic: "mine now" }))).toEqual([
      403,
      "not_channel_admin",
    ]);
    const name = `renamed-${randomUUID().slice(0, 6)}`;
    const edited = await alice.call("PATCH", `/api/channels/${channel.id}`, { name, topic: "The topic" });
    expect(edited.body.channel).toMatchObject({ name, topic: "The topic" });
    expect((await alice.call("POST", `/api/channels/${channel.id}/archive`)).body.channel.archivedAt).not.toBeNull();
    expect((await alice.call("POST", `/api/channels/${channel.id}/archive`)).status).toBe(200); // idempotent

    await expect(
      sendMessage(h.services, alice.user, { channelId: channel.id, clientId: randomUUID(), body: "too late" }),
    ).rejects.toMatchObject({ status: 409, code: "archived" });
    expect(errorOf(await bob.call("POST", `/api/channels/${channel.id}/join`))).toEqual([409, "archived"]);
    expect((await admin.call("POST", `/api/channels/${channel.id}/unarchive`)).body.channel.archivedAt).toBeNull();

    const events = await storedEvents(h.services, channel.id, 4);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ["memberJoined", { userId: alice.user.id }],
      ["channelUpdated", { name, topic: "The topic" }],
      ["channelUpdated", { archived: true }],
      ["channelUpdated", { archived: false }],
    ]);
  });

  it("a taken name is a 409 name_taken, on create and on rename", async () => {
    const first = await createChannelAs(alice, "public");
    const second = await createChannelAs(alice, "private");
    expect(errorOf(await bob.call("POST", "/api/channels", { kind: "private", name: first.name }))).toEqual([
      409,
      "name_taken",
    ]);
    expect(errorOf(await alice.call("PATCH", `/api/channels/${second.id}`, { name: first.name }))).toEqual([
      409,
      "name_taken",
    ]);
  });
});

describe("DMs and group DMs", () => {
  it("opening the same member set, in any order, gives the same channel", async () => {
    const first = await alice.call("POST", "/api/dms", { userIds: [bob.user.id, carol.user.id] });
    expect(first.status).toBe(201);
    expect(first.body.channel).toMatchObject({ kind: "group", name: "Bob, Carol", memberCount: 3 });
    const again = await carol.call("POST", "/api/dms", { userIds: [alice.user.id, bob.user.id, carol.user.id] });
    expect(again.status).toBe(200);
    expect(again.body.channel.id).toBe(first.body.channel.id);
    expect(again.body.channel.name).toBe("Alice, Bob");

    const dm = await bob.call("POST", "/api/dms", { userIds: [alice.user.id] });
    const dmAgain = await alice.call("POST", "/api/dms", { userIds: [bob.user.id, bob.user.id] });
    expect(dm.body.channel.kind).toBe("dm");
    expect(dmAgain.body.channel.id).toBe(dm.body.channel.id);
    expect(dm.body.channel.id).not.toBe(first.body.channel.id);
    expect(await h.services.db.channel.count({ where: { kind: { in: ["dm", "group"] } } })).toBe(2);
  });

  it("a DM cannot be left, invited into or renamed; a left group no longer stands for its old set", async () => {
    const dm = (await alice.call("POST", "/api/dms", { userIds: [carol.user.id] })).body.channel;
    expect(errorOf(await alice.call("POST", `/api/channels/${dm.id}/leave`))).toEqual([409, "not_for_conversations"]);
    expect(errorOf(await admin.call("POST", `/api/channels/${dm.id}/members`, { userIds: [bob.user.id] }))).toEqual([
      409,
      "not_for_conversations",
    ]);
    expect(errorOf(await admin.call("PATCH", `/api/channels/${dm.id}`, { topic: "x" }))).toEqual([
      409,
      "not_for_conversations",
    ]);
    // To an outsider it answers as any private channel would: nothing says it is a DM (issue #11 item 6).
    const privateOne = await createChannelAs(alice, "private");
    for (const id of [dm.id, privateOne.id]) {
      expect(errorOf(await bob.call("POST", `/api/channels/${id}/members`, { userIds: [bob.user.id] })), id).toEqual([
        403,
        "not_channel_admin",
      ]);
      expect(errorOf(await bob.call("PATCH", `/api/channels/${id}`, { topic: "x" }))).toEqual([
        403,
        "not_channel_admin",
      ]);
      expect(errorOf(await bob.call("POST", `/api/channels/${id}/join`))).toEqual([404, "not_found"]);
      expect(errorOf(await bob.call("POST", `/api/channels/${id}/leave`))).toEqual([403, "not_member"]);
    }

    const dave = await signIn(h.services, "member", "Dave");
    const group = (await alice.call("POST", "/api/dms", { userIds: [carol.user.id, dave.user.id] })).body.channel;
    expect((await dave.call("POST", `/api/channels/${group.id}/leave`)).status).toBe(204);
    const reopened = await alice.call("POST", "/api/dms", { userIds: [carol.user.id, dave.user.id] });
    expect(reopened.status).toBe(201);
    expect(reopened.body.channel.id).not.toBe(group.id);
  });

  it("tells every member's sockets and records each member joining", async () => {
    const erin = await signIn(h.services, "member");
    const erinControl = await watchControl(h.services, erin.user.id);
    const dm = (await alice.call("POST", "/api/dms", { userIds: [erin.user.id] })).body.channel;
    await until(async () => erinControl.length > 0, "erin's control message");
    expect(erinControl).toEqual([{ type: "membershipChanged", joined: [dm.id], left: [] }]);
    const events = await storedEvents(h.services, dm.id, 2);
    expect(events.map((e) => e.type === "memberJoined" && e.data.userId).sort()).toEqual(
      [alice.user.id, erin.user.id].sort(),
    );
  });

  it("refuses nobody, too many, unknown and deactivated people", async () => {
    const many = await Promise.all(Array.from({ length: 8 }, () => signIn(h.services)));
    expect(errorOf(await alice.call("POST", "/api/dms", { userIds: [alice.user.id] }))).toEqual([400, "no_members"]);
    expect(errorOf(await alice.call("POST", "/api/dms", { userIds: many.map((m) => m.user.id) }))).toEqual([
      400,
      "too_many_members",
    ]);
    expect(errorOf(await alice.call("POST", "/api/dms", { userIds: [randomUUID()] }))).toEqual([404, "not_found"]);
    const gone = await signIn(h.services);
    await h.services.db.user.update({ where: { id: gone.user.id }, data: { state: "deactivated" } });
    expect(errorOf(await alice.call("POST", "/api/dms", { userIds: [gone.user.id] }))).toEqual([409, "user_inactive"]);
  });
});
