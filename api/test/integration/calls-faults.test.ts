// Crashes end calls cleanly. kill -9 of the SFU: its participants hear callEnded at once, the channel's
// timeline gets callEnded, and once the SFU is back a new call starts (a new id, a new callStarted) instead
// of the dead one coming back. kill -9 of the only API node: its calls still end in the timeline when it
// comes back, and no empty call stays listed.
import { requireWorker, type SfuProcess, startSfu } from "sfu/test-support";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CallEvent } from "../../src/realtime/protocol.js";
import type { Running } from "../../src/start-services.js";
import { type CallMember, joinCall, leaveAll } from "../support/call-member.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, freePort, startApi } from "../support/processes.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

/** The promise to users: a crashed SFU's calls show as ended within this. */
const ENDED_WITHIN_MS = 10_000;

describe.runIf(requireWorker(import.meta.filename))("calls across crashes", () => {
  let stack: TestStack;
  let services: Running;
  let sfu: SfuProcess;
  let api: ApiProcess;
  let channelId: string;
  const tokens: Record<string, string> = {};
  const members: CallMember[] = [];
  let apiEnv: Record<string, string>;

  beforeAll(async () => {
    stack = await createTestStack({ redis: true });
    services = await stack.open();
    sfu = await startSfu();
    apiEnv = { ...stack.env, SFU_URLS: sfu.url, SFU_SECRET: sfu.secret };
    api = await startApi(apiEnv);
    const ids = [];
    for (const name of ["alice", "bob"]) {
      const user = await createUser(services.db, { name });
      ids.push(user.id);
      tokens[name] = await sessionToken(services.db, user.id);
    }
    channelId = (await createChannel(services.db, ids)).id;
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

  const stored = (type: "callStarted" | "callEnded", callId: string) =>
    services.db.channelEvent.findMany({
      where: { channelId, type, payload: { path: ["data", "callId"], equals: callId } },
    });

  async function waitStored(type: "callStarted" | "callEnded", callId: string, timeoutMs: number) {
    const start = Date.now();
    await expect.poll(async () => (await stored(type, callId)).length, { timeout: timeoutMs, interval: 100 }).toBe(1);
    return Date.now() - start;
  }

  test("kill -9 of the SFU: ended for its participants and in the timeline; a new call after it is back", async () => {
    const alice = await join("alice");
    const bob = await join("bob");
    const oldCall = alice.joined.callId;
    await alice.peer.produceAudio();
    await expect
      .poll(() => bob.peer.received().get(`${alice.peer.peerId}/audio`) ?? 0, { timeout: 15_000 })
      .toBeGreaterThan(10);

    const start = Date.now();
    await sfu.kill9();
    for (const m of [alice, bob]) {
      const ended = await m.peer.waitFor("callEnded", (e: CallEvent) => e.type === "callEnded", ENDED_WITHIN_MS);
      expect(ended).toMatchObject({ reason: "sfuLost", joinedUsers: 2 });
    }
    console.log(`participants told the call ended ${Date.now() - start} ms after kill -9 of the SFU`);
    await waitStored("callEnded", oldCall, ENDED_WITHIN_MS - (Date.now() - start));
    console.log(`callEnded in the timeline ${Date.now() - start} ms after kill -9 of the SFU`);
    leaveAll(members);

    // Back on the same address: a start makes a new call, announced, rather than reviving the dead one.
    sfu = await startSfu({
      SFU_PORT: new URL(sfu.url).port,
      SFU_RTC_PORT: String(sfu.rtcPort),
      SFU_SECRET: sfu.secret,
    });
    const carol = await joinCall(api.url, tokens.alice ?? "", "alice-again", channelId, "call.start");
    members.push(carol);
    expect(carol.joined.started).toBe(true);
    expect(carol.joined.callId).not.toBe(oldCall);
    await waitStored("callStarted", carol.joined.callId, 5000);
    expect(await stored("callEnded", oldCall)).toHaveLength(1);
    leaveAll(members);
    await waitStored("callEnded", carol.joined.callId, 5000);
  });

  test("an API node started before its SFU: calls are getting ready, then ready without a restart", async () => {
    const port = String(await freePort());
    const secret = "a-secret-for-the-late-sfu";
    const early = await startApi({ ...stack.env, SFU_URLS: `ws://127.0.0.1:${port}`, SFU_SECRET: secret });
    let late: SfuProcess | undefined;
    try {
      const socket = await TestSocket.connect(early.url, tokens.alice ?? "");
      await socket.ok("resume", { positions: {} });
      expect(await socket.ok("call.status")).toEqual({ state: "connecting" });
      const refused = await socket.request("call.start", { channelId });
      expect(refused.ok ? "started" : refused.error.code).toBe("sfu_unavailable");
      late = await startSfu({ SFU_PORT: port, SFU_SECRET: secret });
      const since = Date.now();
      await waitFor(
        () => socket.frames.some((f) => f.type === "callsAvailability" && f.state === "ready"),
        "calls to be announced ready",
        15_000,
      );
      console.log(`calls ready ${Date.now() - since} ms after the SFU started`);
      const started = await socket.ok("call.start", { channelId });
      expect(started.started).toBe(true);
      await late.kill9();
      await waitFor(
        () => socket.frames.some((f) => f.type === "callsAvailability" && f.state === "unavailable"),
        "calls to be announced unavailable",
        10_000,
      );
      socket.close();
    } finally {
      await early.stop();
      await late?.stop();
    }
  });

  test("kill -9 of the only API node: the call still ends in the timeline once a node is back", async () => {
    const alice = await join("alice");
    await join("bob");
    const callId = alice.joined.callId;
    await api.kill9();
    leaveAll(members);
    api = await startApi(apiEnv);
    const took = await waitStored("callEnded", callId, 15_000);
    console.log(`callEnded in the timeline ${took} ms after the API node was back`);
    const socket = await TestSocket.connect(api.url, tokens.alice ?? "");
    expect(await socket.ok("call.getParticipants", { channelId })).toEqual({ callId: null, peers: [] });
    const fresh = await socket.ok("call.start", { channelId });
    expect(fresh).toMatchObject({ started: true });
    expect(fresh.callId).not.toBe(callId);
    socket.close();
  });
});
