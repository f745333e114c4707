// What participants show each other (mute, raised hand, screen share, who speaks) and what an admin can
// do to a call (remove someone, end it), with real media flowing.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SfuClient } from "../../src/client.js";
import { connectNode, joinPeer, sleep, until } from "../support/harness.js";
import { SILENCE, speechLevel } from "../support/rtp-source.js";
import { requireWorker, type SfuProcess, startSfu } from "../support/sfu-process.js";
import type { TestPeer } from "../support/test-peer.js";

describe.runIf(requireWorker(import.meta.filename))("call controls", () => {
  const callId = "call-control";
  let sfu: SfuProcess;
  let node: SfuClient;
  let a: TestPeer;
  let b: TestPeer;
  let c: TestPeer;
  let aTalks = false;
  let bTalks = false;

  beforeAll(async () => {
    sfu = await startSfu();
    node = await connectNode(sfu.url, sfu.secret, "api-1");
    a = await joinPeer(node, callId, "a");
    b = await joinPeer(node, callId, "b");
    c = await joinPeer(node, callId, "c");
    await a.produceAudio(() => (aTalks ? speechLevel() : SILENCE));
    await b.produceAudio(() => (bTalks ? speechLevel() : SILENCE));
  });

  afterAll(async () => {
    for (const p of [a, b, c]) p?.close();
    node?.close();
    await sfu?.stop();
  });

  test("active speaker follows whoever is loud", async () => {
    aTalks = true;
    await c.waitFor("a as active speaker", (e) => e.type === "activeSpeaker" && e.peerId === a.peerId, 10_000);
    const mark = c.mark();
    aTalks = false;
    bTalks = true;
    const event = await c.waitFor(
      "b as active speaker",
      (e) => e.type === "activeSpeaker" && e.peerId === b.peerId,
      10_000,
      mark,
    );
    expect(event).toMatchObject({ userId: "user-b" });
    bTalks = false;
  });

  test("muting pauses the producer: receivers' consumers pause, packets stop, unmuting brings them back", async () => {
    const key = `${a.peerId}/audio`;
    await until("c to receive a's audio", () => (c.received().get(key) ?? 0) > 10);
    const mark = c.mark();
    const { peer } = await node.request("setMuted", { callId, peerId: a.peerId }, { source: "mic", muted: true });
    expect(peer.muted.mic).toBe(true);
    await c.waitFor("consumerPaused", (e) => e.type === "consumerPaused", 3000, mark);
    const updated = await c.waitFor(
      "peerUpdated",
      (e) => e.type === "peerUpdated" && e.peer.peerId === a.peerId,
      3000,
      mark,
    );
    expect(updated).toMatchObject({ peer: { muted: { mic: true } } });
    await sleep(300);
    const muted = c.received().get(key) ?? 0;
    await sleep(700);
    expect(c.received().get(key)).toBe(muted);
    await node.request("setMuted", { callId, peerId: a.peerId }, { source: "mic", muted: false });
    await c.waitFor("consumerResumed", (e) => e.type === "consumerResumed", 3000, mark);
    await until("a's audio to flow again", () => (c.received().get(key) ?? 0) > muted + 10, 3000);
  });

  test("muting before producing: the microphone starts paused and nothing of it is forwarded", async () => {
    const d = await joinPeer(node, callId, "d");
    try {
      const mark = c.mark();
      const { peer } = await node.request("setMuted", { callId, peerId: d.peerId }, { source: "mic", muted: true });
      expect(peer.muted.mic).toBe(true);
      await d.produceAudio(() => speechLevel());
      const announced = await c.waitFor(
        "d's microphone",
        (e) => e.type === "newProducer" && e.peerId === d.peerId,
        3000,
        mark,
      );
      expect(announced).toMatchObject({ producer: { source: "mic", paused: true } });
      await until("c to consume d's microphone", () =>
        [...c.consumers.values()].some((r) => r.info.peerId === d.peerId),
      );
      const consumer = [...c.consumers.values()].find((r) => r.info.peerId === d.peerId);
      expect(consumer?.info.producerPaused).toBe(true);
      await sleep(1000);
      expect(c.received().get(`${d.peerId}/audio`) ?? 0).toBe(0);
      const { peers } = await node.request("getParticipants", { callId }, {});
      expect(peers.find((p) => p.peerId === d.peerId)).toMatchObject({ muted: { mic: true } });
    } finally {
      await node.request("leave", { callId, peerId: d.peerId }, {});
      d.close();
    }
  });

  test("raising a hand and sharing a screen show on the participant for the others", async () => {
    const mark = b.mark();
    await node.request("raiseHand", { callId, peerId: c.peerId }, { raised: true });
    await b.waitFor(
      "c's hand",
      (e) => e.type === "peerUpdated" && e.peer.peerId === c.peerId && e.peer.handRaised,
      3000,
      mark,
    );
    const screen = await c.produceVideo(200_000, "screen");
    await b.waitFor(
      "c's screen producer",
      (e) => e.type === "newProducer" && e.producer.source === "screen",
      3000,
      mark,
    );
    await b.waitFor(
      "c sharing",
      (e) => e.type === "peerUpdated" && e.peer.peerId === c.peerId && e.peer.screenSharing,
      3000,
      mark,
    );
    await until("b to receive c's screen", () => (b.received().get(`${c.peerId}/video`) ?? 0) > 5);
    const { closed } = await node.request("stopScreenShare", { callId, peerId: c.peerId }, {});
    expect(closed).toEqual([screen.id]);
    await b.waitFor("producerClosed", (e) => e.type === "producerClosed" && e.producerId === screen.id, 3000, mark);
    await b.waitFor("consumerClosed", (e) => e.type === "consumerClosed" && e.producerId === screen.id, 3000, mark);
  });

  test("an admin removes a participant: it and the others hear why, and it can do nothing more", async () => {
    const { removed } = await node.request("removeUser", { callId }, { userId: "user-c" });
    expect(removed).toEqual([c.peerId]);
    for (const p of [a, b, c]) {
      await p.waitFor(
        "c removed",
        (e) => e.type === "peerLeft" && e.peerId === c.peerId && e.reason === "removed",
        3000,
      );
    }
    await expect(node.request("raiseHand", { callId, peerId: c.peerId }, { raised: false })).rejects.toMatchObject({
      code: "not_joined",
    });
  });

  test("an admin ends the call: everyone in it hears callEnded and the SFU holds nothing", async () => {
    const { ended } = await node.request("endCall", { callId }, { reason: "ended" });
    expect(ended).toBe(true);
    for (const p of [a, b]) {
      await p.waitFor("callEnded", (e) => e.type === "callEnded" && e.reason === "ended", 3000);
    }
    expect(await node.request("nodeInfo", {}, {})).toMatchObject({ calls: 0, peers: 0 });
    expect(await node.request("endCall", { callId }, { reason: "ended" })).toEqual({ ended: false });
  });
});
