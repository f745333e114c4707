// Who may open a socket and what a socket may do: every refusal is typed, changes nothing, and (short of
// repeated abuse) leaves the socket usable. One API process and a persister on real services.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { apiAndPersister } from "../support/api-and-persister.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";

const world = apiAndPersister({ SEND_RATE_PER_10S: "30" });

async function upgradeStatus(headers: Record<string, string>) {
  return new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(`${world.api.url.replace("http", "ws")}/ws`, { headers });
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("open", () => {
      ws.close();
      reject(new Error("upgrade should have been refused"));
    });
  });
}

describe("the socket handshake", () => {
  it("refuses no session (401), a foreign Origin (403) and a banned user (403) before upgrading", async () => {
    const user = await createUser(world.services.db);
    const token = await sessionToken(world.services.db, user.id);
    expect(await upgradeStatus({})).toBe(401);
    expect(await upgradeStatus({ cookie: "parley_session=not-a-token" })).toBe(401);
    expect(await upgradeStatus({ cookie: `parley_session=${token}`, origin: "https://evil.example" })).toBe(403);
    await world.services.db.user.update({ where: { id: user.id }, data: { state: "banned", banReason: "spam" } });
    expect(await upgradeStatus({ cookie: `parley_session=${token}` })).toBe(403);
  });
});

describe("a connected socket", () => {
  it("answers bad frames with typed errors and stays usable", async () => {
    const user = await createUser(world.services.db);
    const socket = await TestSocket.connect(world.api.url, await sessionToken(world.services.db, user.id));
    socket.ws.send("{not json");
    socket.ws.send(JSON.stringify({ id: "u1", type: "launchRockets" }));
    socket.ws.send(JSON.stringify({ id: "v1", type: "sendMessage", channelId: "nope", clientId: "x", body: "" }));
    socket.ws.send(JSON.stringify({ id: "o1", type: "ping", pad: "x".repeat(20_000) }));
    await waitFor(
      () => socket.frames.filter((f) => f.type === "reply" || f.type === "error").length >= 4,
      "four errors",
    );
    const errors = socket.frames.flatMap((f) =>
      f.type === "error" || (f.type === "reply" && !f.ok) ? [f.error.code] : [],
    );
    expect(errors).toEqual(["bad_json", "unknown_type", "invalid_request", "frame_too_large"]);
    expect((await socket.ok("ping")).at).toMatch(/^\d{4}-/);
    socket.close();
  });

  it("refuses sends, resumes and reads for channels the user is not in, and changes nothing", async () => {
    const [owner, outsider] = await Promise.all([createUser(world.services.db), createUser(world.services.db)]);
    const secret = await createChannel(world.services.db, [owner.id], "private");
    const socket = await TestSocket.connect(world.api.url, await sessionToken(world.services.db, outsider.id));
    const resumed = await socket.ok("resume", { positions: { [secret.id]: 0 } });
    expect(resumed.denied).toEqual([secret.id]);
    expect(resumed.channels.map((c) => c.channelId)).not.toContain(secret.id);
    const send = await socket.request("sendMessage", { channelId: secret.id, clientId: "c1", body: "let me in" });
    expect(send).toMatchObject({ ok: false, error: { code: "not_member" } });
    const typing = await socket.request("typing", { channelId: secret.id });
    expect(typing).toMatchObject({ ok: false, error: { code: "not_member" } });
    const missing = await socket.request("sendMessage", { channelId: randomUUID(), clientId: "c2", body: "hello?" });
    expect(missing).toMatchObject({ ok: false, error: { code: "not_found" } });

    const ownerSocket = await TestSocket.connect(world.api.url, await sessionToken(world.services.db, owner.id));
    await ownerSocket.ok("resume", { positions: {} });
    await ownerSocket.ok("sendMessage", { channelId: secret.id, clientId: "s1", body: "private words" });
    await waitFor(() => ownerSocket.events(secret.id).length === 1, "the owner's own message");
    await new Promise((r) => setTimeout(r, 200));
    expect(socket.events()).toEqual([]);
    expect(await world.services.db.message.count({ where: { channelId: secret.id } })).toBe(1);
    socket.close();
    ownerSocket.close();
  });

  it("turns a retried send (same clientId, any socket) into one message with the original id", async () => {
    const user = await createUser(world.services.db);
    const channel = await createChannel(world.services.db, [user.id]);
    const token = await sessionToken(world.services.db, user.id);
    const [a, b] = await Promise.all([
      TestSocket.connect(world.api.url, token),
      TestSocket.connect(world.api.url, token),
    ]);
    await a.ok("resume", { positions: {} });
    const payload = { channelId: channel.id, clientId: "retry-1", body: "only once" };
    const [first, second] = await Promise.all([a.ok("sendMessage", payload), b.ok("sendMessage", payload)]);
    expect(second.messageId).toBe(first.messageId);
    await waitFor(() => a.events(channel.id).length === 1, "the message");
    const third = await b.ok("sendMessage", payload);
    expect(third).toMatchObject({ messageId: first.messageId, status: "duplicate" });
    await new Promise((r) => setTimeout(r, 300));
    expect(a.events(channel.id)).toHaveLength(1);
    expect(await world.services.db.message.count({ where: { channelId: channel.id } })).toBe(1);
    a.close();
    b.close();
  });

  it("rate-limits sends per user across sockets with a typed error", async () => {
    const user = await createUser(world.services.db);
    const channel = await createChannel(world.services.db, [user.id]);
    const socket = await TestSocket.connect(world.api.url, await sessionToken(world.services.db, user.id));
    const replies = await Promise.all(
      Array.from({ length: 35 }, (_, i) =>
        socket.request("sendMessage", { channelId: channel.id, clientId: `r${i}`, body: `m${i}` }),
      ),
    );
    const limited = replies.filter((r) => !r.ok);
    expect(replies.filter((r) => r.ok)).toHaveLength(30);
    expect(limited[0]).toMatchObject({
      ok: false,
      error: { code: "rate_limited", details: { retryAfterSeconds: expect.any(Number) } },
    });
    // A refused send stores nothing (its reservation only lets a retry send the same event later).
    const count = () => world.services.db.message.count({ where: { channelId: channel.id } });
    const deadline = Date.now() + 20_000;
    while ((await count()) < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    expect(await count()).toBe(30);
    socket.close();
  });

  it("syncs the read position to the user's other sockets, from the socket and over HTTP", async () => {
    const [reader, writer] = await Promise.all([createUser(world.services.db), createUser(world.services.db)]);
    const channel = await createChannel(world.services.db, [reader.id, writer.id]);
    const token = await sessionToken(world.services.db, reader.id);
    const [tab1, tab2] = await Promise.all([
      TestSocket.connect(world.api.url, token),
      TestSocket.connect(world.api.url, token),
    ]);
    const out = await TestSocket.connect(world.api.url, await sessionToken(world.services.db, writer.id));
    await Promise.all([tab1.ok("resume", { positions: {} }), tab2.ok("resume", { positions: {} })]);
    for (let i = 0; i < 3; i++)
      await out.ok("sendMessage", { channelId: channel.id, clientId: `w${i}`, body: `w${i}` });
    await waitFor(() => tab2.events(channel.id).length === 3, "three messages");

    expect(await tab1.ok("markRead", { channelId: channel.id, seq: 2 })).toEqual({ channelId: channel.id, seq: 2 });
    await waitFor(() => tab2.frames.some((f) => f.type === "readState"), "readState on the other tab");
    expect(tab2.frames.filter((f) => f.type === "readState")).toEqual([
      { type: "readState", channelId: channel.id, seq: 2 },
    ]);
    // Never backwards, never past the end.
    expect(await tab1.ok("markRead", { channelId: channel.id, seq: 1 })).toEqual({ channelId: channel.id, seq: 2 });
    const res = await fetch(`${world.api.url}/api/channels/${channel.id}/read`, {
      method: "POST",
      headers: {
        cookie: `parley_session=${token}`,
        origin: world.api.url.replace("127.0.0.1", "localhost"),
        "content-type": "application/json",
      },
      body: JSON.stringify({ seq: 99 }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ channelId: channel.id, seq: 3 });
    await waitFor(() => tab2.frames.some((f) => f.type === "readState" && f.seq === 3), "readState from HTTP");
    for (const s of [tab1, tab2, out]) s.close();
  });

  // Issue #11 item 1: these were "accepted" and then lost (jsonb refuses them in the persister).
  it("refuses text the store cannot hold with typed errors, before accepting anything", async () => {
    const user = await createUser(world.services.db);
    const channel = await createChannel(world.services.db, [user.id]);
    const socket = await TestSocket.connect(world.api.url, await sessionToken(world.services.db, user.id));
    await socket.ok("resume", { positions: {} });
    const good = await socket.ok("sendMessage", { channelId: channel.id, clientId: "good-1", body: "fine" });
    await waitFor(() => socket.events(channel.id).length === 1, "the good message");
    const poisoned = [
      { type: "sendMessage", channelId: channel.id, clientId: "p1", body: "nul \u0000 here" },
      { type: "sendMessage", channelId: channel.id, clientId: "p2", body: "lone \ud800 surrogate" },
      { type: "sendMessage", channelId: channel.id, clientId: "p3\ud800", body: "bad client id" },
      { type: "sendMessage", channelId: channel.id, clientId: "p4\u0000", body: "bad client id" },
      { type: "sendMessage", channelId: channel.id, clientId: "p5", body: "escape \u001b[31m" },
      { type: "editMessage", messageId: good.messageId, body: "x\u0000" },
      { type: "toggleReaction", messageId: good.messageId, emoji: "\ud83d" },
    ];
    // JSON.stringify writes NUL and lone surrogates as \u escapes, as any client's JSON encoder would.
    for (const [i, frame] of poisoned.entries()) socket.ws.send(JSON.stringify({ id: `p${i}`, ...frame }));
    await waitFor(
      () => socket.frames.filter((f) => f.type === "reply" && f.id.startsWith("p")).length === 7,
      "7 replies",
    );
    for (const reply of socket.frames.filter((f) => f.type === "reply" && f.id.startsWith("p")))
      expect(reply, JSON.stringify(reply)).toMatchObject({ ok: false, error: { code: "invalid_request" } });
    // The request id itself is user text: one the reply could not carry gets an error frame, not a reply.
    socket.ws.send('{"id":"q\\u0000","type":"ping"}');
    await waitFor(() => socket.frames.some((f) => f.type === "error"), "an error frame");
    expect(socket.frames.find((f) => f.type === "error")).toMatchObject({ error: { code: "invalid_request" } });
    // Same channel, so same partition: once this one is stored, anything accepted before it would be too.
    await socket.ok("sendMessage", { channelId: channel.id, clientId: "good-2", body: "still fine" });
    await waitFor(() => socket.events(channel.id).length === 2, "the second good message");
    const stored = await world.services.db.message.findMany({
      where: { channelId: channel.id },
      orderBy: { seq: "asc" },
    });
    expect(stored.map((m) => m.body)).toEqual(["fine", "still fine"]);
    socket.close();
  });

  it("closes a socket that keeps sending garbage", async () => {
    const user = await createUser(world.services.db);
    const socket = await TestSocket.connect(world.api.url, await sessionToken(world.services.db, user.id));
    for (let i = 0; i < 25; i++) socket.ws.send("garbage");
    expect(await socket.closed).toBe(4009);
  });
});
