// The sidebar's counts and read positions, and full-text search over what one may see.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setReadPosition } from "../../../src/channels/actions.js";
import { deleteMessage, sendMessage } from "../../../src/messages/actions.js";
import { type Client, createChannelAs, type Harness, post, signIn, startHarness, until } from "./support.js";

let h: Harness;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  h = await startHarness();
  alice = await signIn(h.services, "member", "Alice");
  bob = await signIn(h.services, "member", "Bob");
});

afterAll(async () => {
  await h?.stop();
});

async function sidebarEntry(client: Client, channelId: string) {
  const res = await client.call("GET", "/api/channels");
  expect(res.status).toBe(200);
  return res.body.channels.find((c: { id: string }) => c.id === channelId);
}

describe("unread and mention counts", () => {
  it("count others' live top-level messages and my mentions after my read position", async () => {
    const channel = await createChannelAs(alice, "public");
    await bob.call("POST", `/api/channels/${channel.id}/join`);
    const root = await post(h.services, alice, channel.id, "hello"); // seq 3
    await post(h.services, alice, channel.id, `hey <@${bob.user.id}>`); // 4: mention
    await post(h.services, bob, channel.id, "my own words"); // 5: mine, not unread
    await post(h.services, alice, channel.id, `in a thread, <@${bob.user.id}>`, root.id); // 6: reply: mention only
    const doomed = await post(h.services, alice, channel.id, "@channel deleted soon"); // 7
    await post(h.services, alice, channel.id, "@channel still here"); // 8: mention (channel)
    await deleteMessage(h.services, alice.user, doomed.id); // 9
    await until(
      () => h.services.db.message.findFirst({ where: { id: doomed.id, deletedAt: { not: null } } }),
      "delete",
    );

    expect(await sidebarEntry(bob, channel.id)).toMatchObject({
      kind: "public",
      name: channel.name,
      lastSeq: 9,
      unreadCount: 3,
      mentionCount: 3,
      muted: false,
      notifyLevel: "mentions", // a channel's default; DMs are created with "all"
      role: "member",
    });
    expect(await sidebarEntry(alice, channel.id)).toMatchObject({ unreadCount: 1, mentionCount: 0, role: "admin" });

    const read = await bob.call("POST", `/api/channels/${channel.id}/read`, { seq: 5 });
    expect(read.body).toEqual({ channelId: channel.id, seq: 5 });
    expect(await sidebarEntry(bob, channel.id)).toMatchObject({ lastReadSeq: 5, unreadCount: 1, mentionCount: 2 });

    await bob.call("POST", `/api/channels/${channel.id}/read`, { seq: 9 });
    expect(await sidebarEntry(bob, channel.id)).toMatchObject({ lastReadSeq: 9, unreadCount: 0, mentionCount: 0 });
  });

  it("mark-read never moves back and never passes the channel's last seq", async () => {
    const channel = await createChannelAs(alice, "public");
    await post(h.services, alice, channel.id, "one");
    await post(h.services, alice, channel.id, "two"); // lastSeq 3
    expect((await alice.call("POST", `/api/channels/${channel.id}/read`, { seq: 3 })).body.seq).toBe(3);
    expect((await alice.call("POST", `/api/channels/${channel.id}/read`, { seq: 1 })).body.seq).toBe(3);
    expect((await alice.call("POST", `/api/channels/${channel.id}/read`, { seq: 1_000_000 })).body.seq).toBe(3);
    expect(await setReadPosition(h.services.db, alice.user.id, channel.id, 0)).toBe(3);
    expect(await setReadPosition(h.services.db, alice.user.id, channel.id, Number.MAX_SAFE_INTEGER)).toBe(3);
    const member = await h.services.db.channelMember.findUniqueOrThrow({
      where: { channelId_userId: { channelId: channel.id, userId: alice.user.id } },
    });
    expect(member.lastReadSeq).toBe(3);
    await expect(setReadPosition(h.services.db, bob.user.id, channel.id, 1)).rejects.toMatchObject({
      status: 403,
      code: "not_member",
    });
  });

  it("names DMs after the other members, and keeps preferences per member", async () => {
    const dm = (await alice.call("POST", "/api/dms", { userIds: [bob.user.id] })).body.channel;
    await sendMessage(h.services, alice.user, { channelId: dm.id, clientId: randomUUID(), body: "psst" });
    await until(async () => (await sidebarEntry(bob, dm.id))?.unreadCount === 1, "the DM's unread count");
    expect(await sidebarEntry(bob, dm.id)).toMatchObject({
      kind: "dm",
      name: "Alice",
      otherMembers: [{ id: alice.user.id, displayName: "Alice" }],
    });
    const prefs = await bob.call("PATCH", `/api/channels/${dm.id}/preferences`, {
      muted: true,
      notifyLevel: "mentions",
    });
    expect(prefs.body).toEqual({ muted: true, notifyLevel: "mentions" });
    expect(await sidebarEntry(bob, dm.id)).toMatchObject({ muted: true, notifyLevel: "mentions" });
    expect(await sidebarEntry(alice, dm.id)).toMatchObject({ name: "Bob", muted: false, notifyLevel: "all" });
  });
});

describe("search", () => {
  it("finds only live messages in my channels, newest first, page by page", async () => {
    const mine = await createChannelAs(alice, "private");
    const other = await createChannelAs(bob, "private");
    const word = `kumquat${randomUUID().slice(0, 6)}`;
    const bodies: string[] = [];
    for (let i = 0; i < 7; i++) {
      bodies.push(`${word} number ${i}`);
      await post(h.services, alice, mine.id, `${word} number ${i}`);
    }
    const gone = await post(h.services, alice, mine.id, `${word} deleted`);
    await deleteMessage(h.services, alice.user, gone.id);
    await post(h.services, bob, other.id, `${word} in bob's private channel`);
    await until(() => h.services.db.message.findFirst({ where: { id: gone.id, deletedAt: { not: null } } }), "delete");

    const found: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await alice.call("GET", `/api/search?q=${word}&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      found.push(...res.body.hits.map((x: { body: string; channelId: string }) => x.body));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(found).toEqual([...bodies].reverse());

    const newest = await h.services.db.message.findFirstOrThrow({ where: { body: `${word} number 6` } });
    const first = await alice.call("GET", `/api/search?q=${word}&limit=1`);
    expect(first.body.hits[0]).toMatchObject({
      id: newest.id,
      seq: newest.seq,
      createdAt: newest.createdAt.toISOString(),
    });

    const bobs = await bob.call("GET", `/api/search?q=${word}`);
    expect(bobs.body.hits.map((x: { body: string }) => x.body)).toEqual([`${word} in bob's private channel`]);
    const scoped = await alice.call(
      "GET",
      `/api/search?q=${encodeURIComponent(`"${word} number 3"`)}&channelId=${mine.id}`,
    );
    expect(scoped.body.hits.map((x: { body: string }) => x.body)).toEqual([`${word} number 3`]);
    // Plain words match as prefixes, as people type: "kumqua… numb 3" finds "kumquat… number 3".
    const typed = await alice.call(
      "GET",
      `/api/search?q=${encodeURIComponent(`${word.slice(0, -2)} NUMB 3`)}&channelId=${mine.id}`,
    );
    expect(typed.body.hits.map((x: { body: string }) => x.body)).toEqual([`${word} number 3`]);
    const tricky = await alice.call("GET", `/api/search?q=${encodeURIComponent(`it's C:\\x ${word}`)}`);
    expect(tricky.status).toBe(200);
  });

  it("stores and searches SQL and HTML verbatim", async () => {
    const channel = await createChannelAs(alice, "public");
    const sql = `Robert'); DROP TABLE "Message"; -- ${randomUUID().slice(0, 4)}`;
    const html = `<script>alert("xss")</script> <img src=x onerror=alert(1)>`;
    await post(h.services, alice, channel.id, sql);
    await post(h.services, alice, channel.id, html);
    const bySql = await alice.call("GET", `/api/search?q=${encodeURIComponent(`'); DROP TABLE "Message"; --`)}`);
    expect(bySql.status).toBe(200);
    expect(bySql.body.hits.map((x: { body: string }) => x.body)).toEqual([sql]);
    // PostgreSQL's parser drops what looks like an HTML tag (<script>) from documents; the rest is searchable.
    const byHtml = await alice.call("GET", `/api/search?q=${encodeURIComponent("<img src=x onerror=alert(1)>")}`);
    expect(byHtml.body.hits.map((x: { body: string }) => x.body)).toEqual([html]);
    const history = await alice.call("GET", `/api/channels/${channel.id}/messages`);
    expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual([sql, html]);
    expect(await h.services.db.message.count()).toBeGreaterThan(2);
    const nothing = await alice.call("GET", `/api/search?q=${encodeURIComponent("!!! & | :*")}`);
    expect(nothing.status).toBe(200);
    expect(nothing.body.hits).toEqual([]);
  });
});
