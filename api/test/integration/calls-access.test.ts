// Losing access to a channel takes a user out of its call at once: removed by an admin, leaving it
// themselves, banned or deactivated. They hear why, and none of the call's media reaches them afterwards
// (not even a screen share started later). Real API process, real SFU, real WebRTC peers in Node.
import { requireWorker, type SfuProcess, startSfu } from "sfu/test-support";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CallEvent } from "../../src/realtime/protocol.js";
import type { Running } from "../../src/start-services.js";
import { type CallMember, joinCall, leaveAll } from "../support/call-member.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { sessionToken } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

/** Long liveness timeouts, so nothing below can be the SFU noticing silence: it is the access change. */
const LIVENESS_MS = 30_000;
/** "At once" on a loaded 2-core machine: far under the liveness timeouts. */
const AT_ONCE_MS = 5000;

describe.runIf(requireWorker(import.meta.filename))("losing access to a channel ends one's call there", () => {
  let stack: TestStack;
  let services: Running;
  let sfu: SfuProcess;
  let api: ApiProcess;
  let channelId: string;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const members: CallMember[] = [];

  beforeAll(async () => {
    stack = await createTestStack({ redis: true });
    services = await stack.open();
    sfu = await startSfu({ SFU_LINK_TIMEOUT_MS: String(LIVENESS_MS), SFU_PEER_TIMEOUT_MS: String(LIVENESS_MS) });
    api = await startApi({ ...stack.env, SFU_URLS: sfu.url, SFU_SECRET: sfu.secret });
    for (const [name, role] of [
      ["alice", "member"],
      ["carol", "member"],
      ["bob", "member"],
      ["dave", "member"],
      ["erin", "member"],
      ["root", "admin"],
    ] as const) {
      const user = await createUser(services.db, { role, name });
      ids[name] = user.id;
      tokens[name] = await sessionToken(services.db, user.id);
    }
    const inChannel = ["alice", "carol", "bob", "dave", "erin"].map((n) => ids[n] ?? "");
    channelId = (await createChannel(services.db, inChannel, "private")).id;
  }, 180_000);

  afterAll(async () => {
    leaveAll(members);
    await api?.stop();
    await sfu?.stop();
    await stack?.cleanup();
  });

  async function join(name: string) {
    const member = await joinCall(api.url, tokens[name] ?? "", name, channelId, "call.start");
    members.push(member);
    return member;
  }

  async function http(method: string, path: string, as: string, body?: unknown) {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { cookie: `parley_session=${tokens[as]}`, origin: api.url, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
  }

  const participants = async () => {
    const alice = members.find((m) => m.name === "alice") as CallMember;
    const { peers } = await alice.socket.ok("call.getParticipants", { channelId });
    return peers.map((p) => p.userId).sort();
  };

  /**
   * The others hear `who` leave with `reason`, and so does `who` itself (unless its socket was closed:
   * a ban or deactivation signs it out everywhere); returns how long it took.
   */
  async function outOfCall(who: CallMember, since: number, reason: string, signedOut = false) {
    const self = (e: CallEvent) => e.type === "peerLeft" && e.peerId === who.peer.peerId;
    const alice = members.find((m) => m.name === "alice") as CallMember;
    const heard = await alice.peer.waitFor(`${who.name} to leave`, self, AT_ONCE_MS);
    expect(heard).toMatchObject({ reason });
    const elapsed = Date.now() - since;
    console.log(`${who.name} out of the call ${elapsed} ms after losing access (${reason})`);
    if (signedOut) {
      await who.socket.closed;
      return elapsed;
    }
    expect(await who.peer.waitFor(`${who.name}'s own removal`, self, AT_ONCE_MS)).toMatchObject({ reason });
    const gone = await who.socket.request("call.getStats");
    expect(gone.ok ? "still in the call" : gone.error.code).toBe("not_in_call");
    return elapsed;
  }

  test("removed from the private channel by an admin: out at once, and no media after, screen share included", async () => {
    const alice = await join("alice");
    const carol = await join("carol");
    await alice.peer.produceAudio();
    await alice.peer.produceVideo();
    const aliceVideo = `${alice.peer.peerId}/video`;
    await expect.poll(() => carol.peer.received().get(aliceVideo) ?? 0, { timeout: 15_000 }).toBeGreaterThan(20);

    const start = Date.now();
    await http("DELETE", `/api/channels/${channelId}/members/${ids.carol}`, "root");
    expect(await outOfCall(carol, start, "removed")).toBeLessThan(AT_ONCE_MS);
    expect(await participants()).toEqual([ids.alice]);

    // Nothing flows to carol any more, and a screen share started now is not announced to her.
    const mark = carol.peer.mark();
    const packets = carol.peer.received().get(aliceVideo) ?? 0;
    await alice.peer.produceVideo(200_000, "screen");
    await new Promise((r) => setTimeout(r, 1500));
    expect(carol.peer.events.slice(mark).filter((e) => e.type === "newProducer")).toEqual([]);
    expect(carol.peer.received().get(aliceVideo) ?? 0).toBe(packets);
    // And she cannot come back in: the server asks the membership as it is now.
    const again = await carol.socket.request("call.join", { channelId });
    expect(again.ok ? "joined" : again.error.code).toBe("not_member");
  });

  test("a removal the socket never heard of (no control message): its next produce or consume finds out", async () => {
    const erin = await join("erin");
    // Straight in the database, as if the bus had lost the news: nothing tells erin's socket.
    await services.db.channelMember.delete({ where: { channelId_userId: { channelId, userId: ids.erin ?? "" } } });
    const start = Date.now();
    await expect(erin.peer.produceAudio()).rejects.toMatchObject({ code: "not_member" });
    expect(await outOfCall(erin, start, "removed")).toBeLessThan(AT_ONCE_MS);
    await services.db.channelMember.create({ data: { channelId, userId: ids.erin ?? "" } });
  });

  test("leaving the channel oneself: out of its call at once", async () => {
    const bob = await join("bob");
    const start = Date.now();
    await http("POST", `/api/channels/${channelId}/leave`, "bob");
    expect(await outOfCall(bob, start, "removed")).toBeLessThan(AT_ONCE_MS);
  });

  test("banned or deactivated: out of the call at once", async () => {
    const dave = await join("dave");
    const erin = await join("erin");
    let start = Date.now();
    await http("POST", `/api/admin/users/${ids.dave}/ban`, "root", { reason: "testing calls" });
    expect(await outOfCall(dave, start, "removed", true)).toBeLessThan(AT_ONCE_MS);
    start = Date.now();
    await http("POST", `/api/admin/users/${ids.erin}/deactivate`, "root", {});
    expect(await outOfCall(erin, start, "removed", true)).toBeLessThan(AT_ONCE_MS);
    expect(await participants()).toEqual([ids.alice]);
  });
});
