// Calls through the chat socket: real API process, real SFU process (sfu/), real WebRTC peers in Node.
// Every call.* frame goes over the same /ws as chat; the API authorizes it and forwards it to the SFU the
// call is mapped to in Redis.
import { requireWorker, type SfuProcess, startSfu } from "sfu/test-support";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CallEvent } from "../../src/realtime/protocol.js";
import type { Running } from "../../src/start-services.js";
import { type CallMember, joinCall as joinCallAs, leaveAll } from "../support/call-member.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const LIVENESS_MS = 30_000;
/** "At once" on a loaded 2-core machine: well under the liveness timeouts, generous for load. */
const AT_ONCE_MS = 10_000;
/** What one socket may send of the call frames every participant hears (mute, hand, screen share …). */
const CALL_UPDATES_PER_10S = 20;

describe.runIf(requireWorker(import.meta.filename))("calls over the chat socket", () => {
  let stack: TestStack;
  let services: Running;
  let sfu: SfuProcess;
  let api: ApiProcess;
  let channelId: string;
  const users: Record<string, { id: string; token: string }> = {};
  const members: CallMember[] = [];

  beforeAll(async () => {
    stack = await createTestStack({ redis: true });
    services = await stack.open();
    // Long liveness timeouts, so "at once" below cannot be the SFU's keepalive or silence watchdog.
    sfu = await startSfu({ SFU_LINK_TIMEOUT_MS: String(LIVENESS_MS), SFU_PEER_TIMEOUT_MS: String(LIVENESS_MS) });
    api = await startApi({ ...stack.env, SFU_URLS: sfu.url, SFU_SECRET: sfu.secret });
    for (const [name, role] of [
      ["alice", "member"],
      ["bob", "member"],
      ["carol", "member"],
      ["dave", "member"],
      ["mallory", "member"],
      ["root", "admin"],
    ] as const) {
      const user = await createUser(services.db, { role, name });
      users[name] = { id: user.id, token: await sessionToken(services.db, user.id) };
    }
    const inChannel = ["alice", "bob", "carol", "dave"].map((n) => users[n]?.id ?? "");
    channelId = (await createChannel(services.db, inChannel)).id;
  }, 180_000);

  afterAll(async () => {
    leaveAll(members);
    await api?.stop();
    await sfu?.stop();
    await stack?.cleanup();
  });

  const connect = async (name: string) => TestSocket.connect(api.url, users[name]?.token ?? "");

  async function joinCall(name: string, type: "call.start" | "call.join") {
    const member = await joinCallAs(api.url, users[name]?.token ?? "", name, channelId, type);
    members.push(member);
    return member;
  }

  const member = (name: string) => {
    const m = members.find((x) => x.name === name);
    if (!m) throw new Error(`${name} is not in the call`);
    return m;
  };

  const storedEvents = (type: string) =>
    services.db.channelEvent.findMany({ where: { channelId, type }, orderBy: { seq: "asc" } });

  test("three members join through the chat socket and each receives the others' media", async () => {
    // A member who stays out of the call, and a non-member, both with live sockets.
    const dave = await connect("dave");
    const mallory = await connect("mallory");
    for (const s of [dave, mallory]) await s.ok("resume", { positions: {} });
    expect(await dave.ok("call.status")).toEqual({ state: "ready" });
    const alice = await joinCall("alice", "call.start");
    expect(alice.joined).toMatchObject({ channelId, started: true, peers: [] });
    const bob = await joinCall("bob", "call.join");
    expect(bob.joined).toMatchObject({ callId: alice.joined.callId, started: false });
    // A second "start" joins the running call rather than starting another.
    const carol = await joinCall("carol", "call.start");
    expect(carol.joined.callId).toBe(alice.joined.callId);
    expect(carol.joined.peers.map((p) => p.userId).sort()).toEqual([users.alice?.id, users.bob?.id].sort());

    for (const m of [alice, bob, carol]) await m.peer.produceAudio();
    await alice.peer.produceVideo();

    const peerIds = { alice: alice.joined.peerId, bob: bob.joined.peerId, carol: carol.joined.peerId };
    const expected: Record<string, string[]> = {
      alice: [`${peerIds.bob}/audio`, `${peerIds.carol}/audio`],
      bob: [`${peerIds.alice}/audio`, `${peerIds.alice}/video`, `${peerIds.carol}/audio`],
      carol: [`${peerIds.alice}/audio`, `${peerIds.alice}/video`, `${peerIds.bob}/audio`],
    };
    const counts = () => Object.fromEntries(members.map((m) => [m.name, Object.fromEntries(m.peer.received())]));
    await waitFor(
      () => members.every((m) => (expected[m.name] ?? []).every((k) => (m.peer.received().get(k) ?? 0) >= 20)),
      `every consumer to receive 20 packets (${JSON.stringify(counts())})`,
      20_000,
    );
    const before = counts();
    await new Promise((r) => setTimeout(r, 1000));
    const after = counts();
    for (const [name, keys] of Object.entries(expected)) {
      for (const key of keys)
        expect(after[name]?.[key], `${name} ${key}`).toBeGreaterThan((before[name]?.[key] ?? 0) + 5);
    }

    // The SFU's own counters, asked through the chat socket.
    const stats = await bob.socket.ok("call.getStats");
    expect(stats.consumers).toHaveLength(3);
    for (const c of stats.consumers) expect(c.bytes).toBeGreaterThan(1000);

    // A member who is not in the call sees who is: asked, in the list of live calls, and told as it
    // changes (a roster after each join); a non-member hears nothing of it.
    const inCall = [users.alice?.id, users.bob?.id, users.carol?.id].sort();
    const { peers } = await dave.ok("call.getParticipants", { channelId });
    expect(peers.map((p) => p.userId).sort()).toEqual(inCall);
    expect(await dave.ok("call.list")).toEqual({
      calls: [expect.objectContaining({ channelId, callId: alice.joined.callId, startedBy: users.alice?.id })],
    });
    expect(await mallory.ok("call.list")).toEqual({ calls: [] });
    const rosters = (s: typeof dave) =>
      s.frames.flatMap((f) => (f.type === "callRoster" ? [f.participants.map((p) => p.userId).sort()] : []));
    await waitFor(() => rosters(dave).length === 3, "three rosters (one per join)", 5000);
    expect(rosters(dave).at(-1)).toEqual(inCall);
    expect(rosters(mallory)).toEqual([]);
    dave.close();
    mallory.close();
    // The in-process log acknowledges an append once it is stored, so the event is there already.
    // Every API node finds the call's SFU in Redis.
    const mapped = JSON.parse((await services.kv.get(`call:channel:${channelId}`)) ?? "null");
    expect(mapped).toMatchObject({ callId: alice.joined.callId, sfuUrl: sfu.url, startedBy: users.alice?.id });
    const started = await storedEvents("callStarted");
    expect(started).toHaveLength(1);
    expect(started[0]?.payload).toMatchObject({ actorId: users.alice?.id, data: { callId: alice.joined.callId } });
  });

  test("a non-member is refused with a typed error, and can do nothing in the call", async () => {
    const mallory = await connect("mallory");
    for (const type of ["call.join", "call.start", "call.getParticipants"] as const) {
      const reply = await mallory.request(type, { channelId });
      expect(reply.ok, type).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe("not_member");
    }
    const media = await mallory.request("call.createTransport", { direction: "send" });
    expect(media.ok ? "ok" : media.error.code).toBe("not_in_call");
    const end = await mallory.request("call.end", { channelId });
    expect(end.ok ? "ok" : end.error.code).toBe("not_admin");
    mallory.close();
    const { peers } = await member("alice").socket.ok("call.getParticipants", { channelId });
    expect(peers).toHaveLength(3);
  });

  test("a socket that closes leaves the call at once; the others' consumers of it close", async () => {
    const carol = member("carol");
    const carolPeer = carol.peer.peerId;
    const alice = member("alice");
    const mark = alice.peer.mark();
    const start = Date.now();
    carol.socket.ws.terminate();
    carol.peer.close();
    members.splice(members.indexOf(carol), 1);
    const left = await alice.peer.waitFor(
      "carol to leave",
      (e: CallEvent) => e.type === "peerLeft" && e.peerId === carolPeer,
      AT_ONCE_MS,
      mark,
    );
    // Her socket went without a word: that is a disconnection, not a choice to leave.
    expect(left).toMatchObject({ reason: "disconnected" });
    await alice.peer.waitFor(
      "alice's consumer of carol to close",
      (e: CallEvent) => e.type === "consumerClosed",
      AT_ONCE_MS,
      mark,
    );
    const elapsed = Date.now() - start;
    console.log(`closed socket's participant gone after ${elapsed} ms`);
    expect(elapsed).toBeLessThan(AT_ONCE_MS);
  });

  test("call frames are rate limited per socket: a flood is refused and never reaches the others", async () => {
    const alice = member("alice");
    const bob = member("bob");
    const mark = bob.peer.mark();
    const start = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 500 }, (_, i) => alice.socket.request("call.raiseHand", { raised: i % 2 === 0 })),
    );
    const took = Date.now() - start;
    const ok = replies.filter((r) => r.ok).length;
    const limited = replies.filter((r) => !r.ok && r.error.code === "rate_limited");
    // The windows are fixed 10 s ones, so a flood may straddle one boundary (or more, on a slow machine).
    const allowance = CALL_UPDATES_PER_10S * (1 + Math.ceil(took / 10_000));
    console.log(`500 raiseHand in ${took} ms: ${ok} accepted (at most ${allowance}), ${limited.length} rate_limited`);
    expect(ok).toBeLessThanOrEqual(allowance);
    expect(ok + limited.length).toBe(500);
    expect(limited[0]).toMatchObject({ error: { details: { retryAfterSeconds: expect.any(Number) } } });
    await new Promise((r) => setTimeout(r, 1000));
    const heard = bob.peer.events.slice(mark).filter((e) => e.type === "peerUpdated").length;
    expect(heard).toBeLessThanOrEqual(ok);
    // Media requests have their own, larger allowance: the flood did not stop alice's call.
    expect((await alice.socket.request("call.getStats")).ok).toBe(true);
  });

  test("an admin removes one participant, then ends the call for everyone", async () => {
    const root = await connect("root");
    const alice = member("alice");
    const bob = member("bob");
    expect(await root.ok("call.removeParticipant", { channelId, userId: users.bob?.id })).toEqual({ removed: 1 });
    await bob.peer.waitFor(
      "bob's removal",
      (e: CallEvent) => e.type === "peerLeft" && e.peerId === bob.peer.peerId && e.reason === "removed",
    );
    const gone = await bob.socket.request("call.getStats");
    expect(gone.ok ? "ok" : gone.error.code).toBe("not_in_call");

    const notAdmin = await alice.socket.request("call.end", { channelId });
    expect(notAdmin.ok ? "ok" : notAdmin.error.code).toBe("not_admin");
    expect(await root.ok("call.end", { channelId })).toEqual({ ended: true });
    await alice.peer.waitFor("callEnded", (e: CallEvent) => e.type === "callEnded" && e.reason === "ended");
    const after = await alice.socket.request("call.getStats");
    expect(after.ok ? "ok" : after.error.code).toBe("not_in_call");
    expect(await root.request("call.getParticipants", { channelId })).toMatchObject({ ok: false }); // root is no member
    expect(await alice.socket.ok("call.getParticipants", { channelId })).toEqual({ callId: null, peers: [] });

    // The channel's log records the end, with how many took part; a join now finds no call.
    let ended = await storedEvents("callEnded");
    for (let i = 0; i < 50 && ended.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      ended = await storedEvents("callEnded");
    }
    expect(ended).toHaveLength(1);
    expect(ended[0]?.payload).toMatchObject({ data: { reason: "ended", joinedUsers: 3 } });
    const late = await alice.socket.request("call.join", { channelId });
    expect(late.ok ? "ok" : late.error.code).toBe("no_call");
    root.close();

    // The timeline's view of it, over HTTP: for members only.
    const timeline = async (as: string) => {
      const res = await fetch(`${api.url}/api/calls/${channelId}/timeline`, {
        headers: { cookie: `parley_session=${users[as]?.token}` },
      });
      return { status: res.status, body: (await res.json()) as { events: { type: string }[] } };
    };
    const seen = await timeline("alice");
    expect(seen.status).toBe(200);
    expect(seen.body.events.map((e) => e.type)).toEqual(["callStarted", "callEnded"]);
    expect(seen.body.events[1]).toMatchObject({
      seq: ended[0]?.seq,
      actorId: users.alice?.id,
      data: { reason: "ended", joinedUsers: 3, durationMs: expect.any(Number) },
    });
    expect(await timeline("mallory")).toMatchObject({ status: 403, body: { error: { code: "not_member" } } });
  });
});
