// Who sees what: private channels, other people's DMs, guests, public previews. Every refusal is checked
// by its exact status and code, next to a request that the same data is reachable by those who may.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createChannelAs, type Harness, post, signIn, startHarness } from "./support.js";

let h: Harness;
let owner: Client;
let outsider: Client;
let guest: Client;
let privateId: string;
let publicId: string;
let dmId: string;
let guestChannelId: string;

beforeAll(async () => {
  h = await startHarness();
  owner = await signIn(h.services, "member");
  outsider = await signIn(h.services, "member");
  guest = await signIn(h.services, "guest");
  const friend = await signIn(h.services, "member");
  privateId = (await createChannelAs(owner, "private")).id;
  publicId = (await createChannelAs(owner, "public")).id;
  guestChannelId = (await createChannelAs(owner, "public")).id;
  await post(h.services, owner, privateId, "secret plans zebra");
  await post(h.services, owner, publicId, "open plans zebra");
  const dm = await owner.call("POST", "/api/dms", { userIds: [friend.user.id] });
  dmId = dm.body.channel.id;
  await post(h.services, owner, dmId, "whispered plans zebra");
  expect(
    (await owner.call("POST", `/api/channels/${guestChannelId}/members`, { userIds: [guest.user.id] })).status,
  ).toBe(200);
});

afterAll(async () => {
  await h?.stop();
});

const errorOf = (res: { status: number; body: { error?: { code: string } } }) => [res.status, res.body.error?.code];

describe("a non-member", () => {
  it("cannot see a private channel, its history, its events or its members", async () => {
    expect((await owner.call("GET", `/api/channels/${privateId}/messages`)).status).toBe(200);
    for (const path of ["", "/messages", "/events", "/members"]) {
      expect(errorOf(await outsider.call("GET", `/api/channels/${privateId}${path}`)), path).toEqual([
        403,
        "not_member",
      ]);
    }
  });

  it("cannot read someone else's DM, nor its thread of a message", async () => {
    const [message] = await h.services.db.message.findMany({ where: { channelId: dmId } });
    expect(errorOf(await outsider.call("GET", `/api/channels/${dmId}/messages`))).toEqual([403, "not_member"]);
    expect(errorOf(await outsider.call("GET", `/api/messages/${message?.id}/thread`))).toEqual([403, "not_member"]);
    expect((await owner.call("GET", `/api/messages/${message?.id}/thread`)).status).toBe(200);
  });

  it("gets 404 for a channel that does not exist", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(errorOf(await outsider.call("GET", `/api/channels/${missing}/messages`))).toEqual([404, "not_found"]);
    expect(errorOf(await outsider.call("GET", `/api/channels/${missing}`))).toEqual([404, "not_found"]);
  });

  it("cannot search into a private channel or a DM, and its search leaves them out", async () => {
    expect(errorOf(await outsider.call("GET", `/api/search?q=zebra&channelId=${privateId}`))).toEqual([
      403,
      "not_member",
    ]);
    expect(errorOf(await outsider.call("GET", `/api/search?q=zebra&channelId=${dmId}`))).toEqual([403, "not_member"]);
    const mine = await owner.call("GET", "/api/search?q=zebra");
    expect(mine.body.hits.map((x: { body: string }) => x.body).sort()).toEqual([
      "open plans zebra",
      "secret plans zebra",
      "whispered plans zebra",
    ]);
    const theirs = await outsider.call("GET", "/api/search?q=zebra");
    expect(theirs.status).toBe(200);
    // Public channels they have not joined are left out too: search covers one's own channels.
    expect(theirs.body.hits).toEqual([]);
  });

  it("may preview a public channel (metadata and history) without joining", async () => {
    const channel = await outsider.call("GET", `/api/channels/${publicId}`);
    expect(channel.status).toBe(200);
    expect(channel.body.channel.me).toBeNull();
    const history = await outsider.call("GET", `/api/channels/${publicId}/messages`);
    expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual(["open plans zebra"]);
  });
});

describe("a guest", () => {
  it("cannot browse public channels, nor create or join one", async () => {
    expect(errorOf(await guest.call("GET", "/api/channels/browse"))).toEqual([403, "guest_restricted"]);
    expect(errorOf(await guest.call("POST", "/api/channels", { kind: "public", name: "guest-made" }))).toEqual([
      403,
      "guest_restricted",
    ]);
    expect(errorOf(await guest.call("POST", `/api/channels/${publicId}/join`))).toEqual([403, "guest_restricted"]);
    expect((await outsider.call("GET", "/api/channels/browse")).status).toBe(200);
  });

  it("sees only the channels it was added to", async () => {
    const mine = await guest.call("GET", "/api/channels");
    expect(mine.body.channels.map((c: { id: string }) => c.id)).toEqual([guestChannelId]);
    expect((await guest.call("GET", `/api/channels/${guestChannelId}/messages`)).status).toBe(200);
    for (const id of [publicId, privateId, dmId]) {
      expect(errorOf(await guest.call("GET", `/api/channels/${id}`))).toEqual([403, "not_member"]);
      expect(errorOf(await guest.call("GET", `/api/channels/${id}/messages`))).toEqual([403, "not_member"]);
    }
  });

  it("may DM only people it shares a channel with", async () => {
    const res = await guest.call("POST", "/api/dms", { userIds: [outsider.user.id] });
    expect(errorOf(res)).toEqual([403, "guest_restricted"]);
    const ok = await guest.call("POST", "/api/dms", { userIds: [owner.user.id] });
    expect(ok.status).toBe(201);
  });
});

describe("without a session", () => {
  it("every channel route answers 401", async () => {
    const app = (await import("../../../src/app.js")).createApp(h.services);
    for (const path of [
      "/api/channels",
      `/api/channels/${publicId}/messages`,
      "/api/search?q=x",
      "/api/channels/browse",
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(401);
    }
    const bad = await app.request("/api/channels/not-a-uuid/messages");
    expect(bad.status).toBe(401);
  });
});
