// /api/admin/channels: workspace admins and owners see and manage every public and private channel.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../src/app.js";
import {
  type Client,
  createChannelAs,
  type Harness,
  post,
  signIn,
  startHarness,
  storedEvents,
  until,
  watchControl,
} from "./support.js";

let h: Harness;
let owner: Client;
let alice: Client;
let bob: Client;
let guest: Client;

beforeAll(async () => {
  h = await startHarness();
  owner = await signIn(h.services, "owner");
  alice = await signIn(h.services, "member");
  bob = await signIn(h.services, "member");
  guest = await signIn(h.services, "guest");
});

afterAll(async () => {
  await h?.stop();
});

const errorOf = (res: { status: number; body: { error?: { code: string } } }) => [res.status, res.body.error?.code];

describe("admin channel routes", () => {
  it("are refused to members and guests, before any validation", async () => {
    for (const client of [alice, guest]) {
      expect(errorOf(await client.call("GET", "/api/admin/channels"))).toEqual([403, "forbidden"]);
      expect(errorOf(await client.call("GET", "/api/admin/channels?limit=nope"))).toEqual([403, "forbidden"]);
      expect(errorOf(await client.call("POST", `/api/admin/channels/${randomUUID()}/archive`))).toEqual([
        403,
        "forbidden",
      ]);
    }
  });

  it("list private and public channels with member counts, not DMs", async () => {
    const tag = `adm${randomUUID().slice(0, 6)}`;
    const secret = await createChannelAs(alice, "private", `${tag}-secret`);
    const open = await createChannelAs(bob, "public", `${tag}-open`);
    await alice.call("POST", `/api/channels/${open.id}/join`);
    await alice.call("POST", "/api/dms", { userIds: [bob.user.id] });

    const all = await owner.call("GET", `/api/admin/channels?q=${tag}`);
    expect(all.status).toBe(200);
    expect(
      all.body.channels.map((c: { name: string; kind: string; memberCount: number; joined: boolean }) => c),
    ).toEqual([
      expect.objectContaining({ name: `${tag}-open`, kind: "public", memberCount: 2, joined: false }),
      expect.objectContaining({ name: `${tag}-secret`, kind: "private", memberCount: 1, joined: false }),
    ]);
    const privates = await owner.call("GET", `/api/admin/channels?q=${tag}&kind=private`);
    expect(privates.body.channels.map((c: { id: string }) => c.id)).toEqual([secret.id]);
    const everything = await owner.call("GET", "/api/admin/channels?limit=100");
    expect(everything.body.channels.every((c: { kind: string }) => c.kind === "public" || c.kind === "private")).toBe(
      true,
    );
  });

  it("rename, archive and remove members of a private channel they are not in, but add no one to it", async () => {
    const channel = await createChannelAs(alice, "private");
    const bobControl = await watchControl(h.services, bob.user.id);
    const name = `renamed-${randomUUID().slice(0, 6)}`;
    const renamed = await owner.call("PATCH", `/api/admin/channels/${channel.id}`, { name });
    expect(renamed.status).toBe(200);
    expect(renamed.body.channel).toMatchObject({ name, me: null });
    for (const userIds of [[owner.user.id], [bob.user.id]]) {
      const refused = await owner.call("POST", `/api/admin/channels/${channel.id}/members`, { userIds });
      expect(errorOf(refused)).toEqual([403, "not_member"]);
    }
    const added = await alice.call("POST", `/api/channels/${channel.id}/members`, { userIds: [bob.user.id] });
    expect(added.body).toEqual({ added: [bob.user.id] });
    expect((await owner.call("DELETE", `/api/admin/channels/${channel.id}/members/${bob.user.id}`)).status).toBe(204);
    const archived = await owner.call("POST", `/api/admin/channels/${channel.id}/archive`);
    expect(archived.body.channel.archivedAt).not.toBeNull();
    const unarchived = await owner.call("POST", `/api/admin/channels/${channel.id}/unarchive`);
    expect(unarchived.body.channel.archivedAt).toBeNull();

    const events = await storedEvents(h.services, channel.id, 6);
    expect(events.map((e) => [e.type, e.actorId])).toEqual([
      ["memberJoined", alice.user.id],
      ["channelUpdated", owner.user.id],
      ["memberJoined", alice.user.id],
      ["memberLeft", owner.user.id],
      ["channelUpdated", owner.user.id],
      ["channelUpdated", owner.user.id],
    ]);
    await until(async () => bobControl.length === 2, "bob's two control messages");
    expect(bobControl.map((m) => m.type === "membershipChanged" && [m.joined, m.left])).toEqual([
      [[channel.id], []],
      [[], [channel.id]],
    ]);
  });

  it("delete any message of a channel they can read, and only of the channel named", async () => {
    const channel = await createChannelAs(alice, "public");
    const other = await createChannelAs(alice, "public");
    const hidden = await createChannelAs(alice, "private");
    const secret = await post(h.services, alice, hidden.id, "in a private channel the owner is not in");
    expect(errorOf(await owner.call("DELETE", `/api/admin/channels/${hidden.id}/messages/${secret.id}`))).toEqual([
      403,
      "not_member",
    ]);
    const message = await post(h.services, alice, channel.id, "against the rules");
    expect(errorOf(await owner.call("DELETE", `/api/admin/channels/${other.id}/messages/${message.id}`))).toEqual([
      404,
      "not_found",
    ]);
    const res = await owner.call("DELETE", `/api/admin/channels/${channel.id}/messages/${message.id}`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ messageId: message.id, status: "accepted" });
    const gone = await until(
      () => h.services.db.message.findFirst({ where: { id: message.id, deletedAt: { not: null } } }),
      "the deletion",
    );
    expect(gone.body).toBe("");
  });

  it("are described in /api/openapi.json", async () => {
    const doc = (await (await createApp(h.services).request("/api/openapi.json")).json()) as { paths: object };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/admin/channels",
        "/admin/channels/{id}/messages/{messageId}",
        "/channels",
        "/channels/{id}/messages",
        "/messages/{id}/thread",
        "/search",
        "/dms",
      ]),
    );
  });
});
