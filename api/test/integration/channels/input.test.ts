// Bad input is refused with a 400 in the one error shape, naming the field; odd but valid text (SQL, HTML,
// LIKE wildcards) is stored and matched verbatim.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createChannelAs, type Harness, signIn, startHarness } from "./support.js";

let h: Harness;
let alice: Client;
let channelId: string;

beforeAll(async () => {
  h = await startHarness();
  alice = await signIn(h.services, "member");
  channelId = (await createChannelAs(alice, "public")).id;
});

afterAll(async () => {
  await h?.stop();
});

type Res = { status: number; body: { error?: { code: string; details?: { issues?: { path: string }[] } } } };
const invalid = (res: Res) => [res.status, res.body.error?.code];
const paths = (res: Res) => res.body.error?.details?.issues?.map((i) => i.path);

describe("request bodies", () => {
  it("refuses wrong types and unknown fields, naming them", async () => {
    const wrongType = await alice.call("POST", "/api/channels", { kind: "public", name: 42 });
    expect(invalid(wrongType)).toEqual([400, "invalid_request"]);
    expect(paths(wrongType)).toEqual(["name"]);
    const unknown = await alice.call("POST", "/api/channels", { kind: "public", name: "fine-name", admin: true });
    expect(invalid(unknown)).toEqual([400, "invalid_request"]);
    expect(JSON.stringify(unknown.body.error?.details)).toContain("admin");
    expect(invalid(await alice.call("POST", "/api/channels", { kind: "dm", name: "sneaky" }))).toEqual([
      400,
      "invalid_request",
    ]);
    expect(invalid(await alice.call("POST", `/api/channels/${channelId}/read`, { seq: "5" }))).toEqual([
      400,
      "invalid_request",
    ]);
    for (const seq of [-1, 1.5, 2 ** 31]) {
      expect((await alice.call("POST", `/api/channels/${channelId}/read`, { seq })).status, String(seq)).toBe(400);
    }
    expect((await alice.call("POST", `/api/channels/${channelId}/read`)).status).toBe(400);
    expect((await alice.call("POST", `/api/channels/${channelId}/read`, "{not json")).status).toBe(400);
    expect(invalid(await alice.call("PATCH", `/api/channels/${channelId}`, {}))).toEqual([400, "invalid_request"]);
    expect(
      invalid(await alice.call("PATCH", `/api/channels/${channelId}/preferences`, { notifyLevel: "loud" })),
    ).toEqual([400, "invalid_request"]);
    expect(invalid(await alice.call("POST", `/api/channels/${channelId}/members`, { userIds: [] }))).toEqual([
      400,
      "invalid_request",
    ]);
    expect(invalid(await alice.call("POST", "/api/dms", { userIds: ["not-a-uuid"] }))).toEqual([
      400,
      "invalid_request",
    ]);
    expect(await h.services.db.channel.count()).toBe(1);
  });

  it("refuses names outside [a-z0-9_-]{1,80}, lower-casing the rest", async () => {
    const bad = ["", " ", "has space", "a".repeat(81), `x'; DROP TABLE "Channel"; --`, "<b>bold</b>", "ünïcode", "a/b"];
    for (const name of bad) {
      const res = await alice.call("POST", "/api/channels", { kind: "public", name });
      expect(invalid(res), name).toEqual([400, "invalid_request"]);
    }
    const upper = await alice.call("POST", "/api/channels", { kind: "public", name: "  Dev-Ops_2 " });
    expect(upper.status).toBe(201);
    expect(upper.body.channel.name).toBe("dev-ops_2");
  });

  it("stores SQL and HTML in topic and purpose verbatim", async () => {
    const topic = `'); DROP TABLE "Channel"; -- <script>alert(1)</script>`;
    const purpose = `<img src=x onerror="alert('x')">\nsecond line & more`;
    const res = await alice.call("POST", "/api/channels", { kind: "private", name: "verbatim", topic, purpose });
    expect(res.status).toBe(201);
    expect(res.body.channel).toMatchObject({ topic, purpose });
    const row = await h.services.db.channel.findUniqueOrThrow({ where: { id: res.body.channel.id } });
    expect([row.topic, row.purpose]).toEqual([topic, purpose]);
    expect(invalid(await alice.call("PATCH", `/api/channels/${row.id}`, { topic: "two\nlines" }))).toEqual([
      400,
      "invalid_request",
    ]);
  });
});

describe("query strings and paths", () => {
  it("refuses malformed numbers, both directions at once, bad ids and foreign cursors", async () => {
    for (const query of [
      "before=abc",
      "limit=0",
      "limit=201",
      "limit=1e2",
      "after=-1",
      "before=",
      "before=5&after=2",
    ]) {
      const res = await alice.call("GET", `/api/channels/${channelId}/messages?${query}`);
      expect(invalid(res), query).toEqual([400, "invalid_request"]);
    }
    expect(invalid(await alice.call("GET", "/api/channels/not-a-uuid/messages"))).toEqual([400, "invalid_request"]);
    expect(invalid(await alice.call("GET", "/api/channels/browse?cursor=bm9wZQ"))).toEqual([400, "invalid_cursor"]);
    expect(invalid(await alice.call("GET", "/api/search?q=x&cursor=WyJ4Il0"))).toEqual([400, "invalid_cursor"]);
    expect(invalid(await alice.call("GET", "/api/search?q=%20%20"))).toEqual([400, "invalid_request"]);
    expect(invalid(await alice.call("GET", `/api/search?q=${"a".repeat(257)}`))).toEqual([400, "invalid_request"]);
    expect(invalid(await alice.call("GET", "/api/search?q=x&channelId=1;DROP"))).toEqual([400, "invalid_request"]);
  });

  it("matches name prefixes literally: _ and % are not wildcards", async () => {
    const tag = randomUUID().slice(0, 6);
    await createChannelAs(alice, "public", `p${tag}_x`);
    await createChannelAs(alice, "public", `p${tag}ax`);
    const underscore = await alice.call("GET", `/api/channels/browse?q=p${tag}_`);
    expect(underscore.body.channels.map((c: { name: string }) => c.name)).toEqual([`p${tag}_x`]);
    const percent = await alice.call("GET", `/api/channels/browse?q=${encodeURIComponent(`p${tag}%`)}`);
    expect(percent.body.channels).toEqual([]);
  });

  it("pages the directory by name, each channel once", async () => {
    const tag = `pg${randomUUID().slice(0, 6)}`;
    const names = ["a", "b-", "b_", "c", "d", "e0"].map((s) => `${tag}-${s}`);
    for (const name of names) await createChannelAs(alice, "public", name);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await alice.call("GET", `/api/channels/browse?q=${tag}&limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...res.body.channels.map((c: { name: string; memberCount: number; joined: boolean }) => c.name));
      expect(
        res.body.channels.every((c: { memberCount: number; joined: boolean }) => c.memberCount === 1 && c.joined),
      ).toBe(true);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...names].sort());
  });
});
