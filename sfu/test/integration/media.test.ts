// Three real WebRTC peers (msc-node on werift) in one call on a real mediasoup worker, signalled through
// the SFU's internal channel exactly as API nodes do: a and b through one node, c through another.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SfuClient } from "../../src/client.js";
import type { CallEvent } from "../../src/protocol.js";
import { connectNode, joinData, joinPeer, sleep, until } from "../support/harness.js";
import { requireWorker, type SfuProcess, startSfu } from "../support/sfu-process.js";
import type { TestPeer } from "../support/test-peer.js";

describe.runIf(requireWorker(import.meta.filename))("media between three peers", () => {
  const callId = "call-media";
  let sfu: SfuProcess;
  let n1: SfuClient;
  let n2: SfuClient;
  let a: TestPeer;
  let b: TestPeer;
  let c: TestPeer;
  const target = { callId };

  beforeAll(async () => {
    sfu = await startSfu();
    n1 = await connectNode(sfu.url, sfu.secret, "api-1");
    n2 = await connectNode(sfu.url, sfu.secret, "api-2");
    a = await joinPeer(n1, callId, "a");
    b = await joinPeer(n1, callId, "b");
    c = await joinPeer(n2, callId, "c");
    await a.produceAudio();
    await b.produceAudio();
    await c.produceAudio();
    await a.produceVideo();
  });

  afterAll(async () => {
    for (const p of [a, b, c]) p?.close();
    n1?.close();
    n2?.close();
    await sfu?.stop();
  });

  test("each peer receives the others' audio, and a's video, and the counts keep growing", async () => {
    const expected = {
      a: [`${b.peerId}/audio`, `${c.peerId}/audio`],
      b: [`${a.peerId}/audio`, `${a.peerId}/video`, `${c.peerId}/audio`],
      c: [`${a.peerId}/audio`, `${a.peerId}/video`, `${b.peerId}/audio`],
    };
    const peers = { a, b, c };
    const snapshot = () =>
      Object.fromEntries(Object.entries(peers).map(([k, p]) => [k, Object.fromEntries(p.received())]));
    await until(
      "every consumer to receive at least 20 packets",
      () =>
        Object.entries(expected).every(([k, keys]) =>
          keys.every((key) => (peers[k as keyof typeof peers].received().get(key) ?? 0) >= 20),
        ),
      15_000,
      snapshot,
    );
    for (const [k, keys] of Object.entries(expected)) {
      expect([...peers[k as keyof typeof peers].received().keys()].sort()).toEqual([...keys].sort());
    }
    const before = snapshot();
    await sleep(1000);
    const after = snapshot();
    for (const [k, keys] of Object.entries(expected)) {
      for (const key of keys) expect(after[k]?.[key], `${k} ${key}`).toBeGreaterThan((before[k]?.[key] as number) + 5);
    }
    for (const p of [a, b, c]) expect(p.errors).toEqual([]);
  });

  test("the SFU's own counters agree: producers receive, consumers send, transports carry RTP", async () => {
    const statsOf = (peerId: string) => n1.request("getStats", { callId, peerId }, {});
    const carried = (stats: Awaited<ReturnType<typeof statsOf>>) => ({
      send: stats.transports.find((t) => t.direction === "send"),
      recv: stats.transports.find((t) => t.direction === "recv"),
    });
    // B's audio is a few kB a second: the counters pass 10 kB within seconds of the first packet, however
    // quickly the test before got there (a loaded machine: 8,640 bytes at the first look once).
    await expect
      .poll(
        async () => {
          const { send, recv } = carried(await statsOf(b.peerId));
          return Math.min(send?.rtpBytesReceived ?? 0, recv?.rtpBytesSent ?? 0);
        },
        { timeout: 15_000, interval: 250 },
      )
      .toBeGreaterThan(10_000);
    const stats = await statsOf(b.peerId);
    const { send, recv } = carried(stats);
    expect(send?.dtlsState).toBe("connected");
    expect(send?.rtpBytesReceived).toBeGreaterThan(10_000);
    expect(recv?.rtpBytesSent).toBeGreaterThan(10_000);
    expect(stats.producers).toEqual([expect.objectContaining({ kind: "audio", source: "mic" })]);
    expect(stats.producers[0]?.packets).toBeGreaterThan(20);
    expect(stats.consumers).toHaveLength(3);
    for (const consumer of stats.consumers) {
      expect(consumer.paused).toBe(false);
      expect(consumer.bytes, `consumer of ${consumer.kind}`).toBeGreaterThan(1000);
    }
    const video = await statsOf(a.peerId);
    expect(video.producers.find((p) => p.kind === "video")?.bitrate).toBeGreaterThan(50_000);
  });

  test("participants list names all three with what they send", async () => {
    const { peers } = await n2.request("getParticipants", target, {});
    expect(peers.map((p) => p.userId).sort()).toEqual(["user-a", "user-b", "user-c"]);
    const pa = peers.find((p) => p.peerId === a.peerId);
    expect(pa?.producers.map((p) => p.source).sort()).toEqual(["camera", "mic"]);
  });

  test("simulcast: three layers in, the receiver gets one, and its preferred layer is honoured", async () => {
    const d = await joinPeer(n2, callId, "d");
    try {
      await d.produceSimulcast([100_000, 200_000, 400_000]);
      const consumerIdOf = (p: TestPeer) =>
        [...p.consumers.values()].find((r) => r.info.peerId === d.peerId && r.info.kind === "video")?.info;
      await until("b to consume d's simulcast video", () => consumerIdOf(b) !== undefined);
      const info = consumerIdOf(b);
      expect(info?.type).toBe("simulcast");
      const consumerId = info?.consumerId ?? "";
      await b.waitFor(
        "layers at the top",
        (e) => e.type === "consumerLayersChanged" && e.consumerId === consumerId && e.spatialLayer === 2,
      );
      const dStats = await n2.request("getStats", { callId, peerId: d.peerId }, {});
      expect(dStats.producers[0]?.packets).toBeGreaterThan(0);
      const mark = b.mark();
      await n1.request("setPreferredLayers", { callId, peerId: b.peerId }, { consumerId, spatialLayer: 0 });
      const switched = (e: CallEvent) =>
        e.type === "consumerLayersChanged" && e.consumerId === consumerId && e.spatialLayer === 0;
      await b.waitFor("the switch to layer 0", switched, 10_000, mark);
      const stats = await n1.request("getStats", { callId, peerId: b.peerId }, {});
      expect(stats.consumers.find((s) => s.consumerId === consumerId)?.currentLayers?.spatialLayer).toBe(0);
      // a's camera is one plain stream: nothing to prefer, and the SFU says so.
      const plain = [...b.consumers.values()].find((r) => r.info.peerId === a.peerId && r.info.kind === "video")?.info;
      await expect(
        n1.request(
          "setPreferredLayers",
          { callId, peerId: b.peerId },
          { consumerId: plain?.consumerId ?? "", spatialLayer: 0 },
        ),
      ).rejects.toMatchObject({ code: "bad_request" });
    } finally {
      await n2.request("leave", { callId, peerId: d.peerId }, {});
      d.close();
    }
  });

  test("a peer that leaves: the others hear it, their consumers of it close, the rest keeps flowing", async () => {
    const cProducers = [...(c.producers.values() ?? [])].map((p) => p.id);
    await n2.request("leave", { callId, peerId: c.peerId }, {});
    c.close();
    for (const p of [a, b]) {
      await p.waitFor("peerLeft for c", (e) => e.type === "peerLeft" && e.peerId === c.peerId && e.reason === "left");
      await p.waitFor(
        "consumerClosed for c's audio",
        (e) => e.type === "consumerClosed" && cProducers.includes(e.producerId),
      );
      expect([...p.received().keys()].some((k) => k.startsWith(c.peerId))).toBe(false);
    }
    const stats = await n1.request("getStats", { callId, peerId: b.peerId }, {});
    expect(stats.consumers.map((s) => s.producerId)).not.toContain(cProducers[0]);
    const before = b.received().get(`${a.peerId}/audio`) ?? 0;
    await sleep(600);
    expect(b.received().get(`${a.peerId}/audio`)).toBeGreaterThan(before + 10);
    const { peers } = await n1.request("getParticipants", target, {});
    expect(peers.map((p) => p.peerId).sort()).toEqual([a.peerId, b.peerId].sort());
  });

  test("the call ends when the last peer leaves, every node hears it, and its id cannot be reused", async () => {
    const ended = new Promise((resolve) => n2.once("event", (f) => f.event.type === "callEnded" && resolve(f)));
    await n1.request("leave", { callId, peerId: a.peerId }, {});
    await n1.request("leave", { callId, peerId: b.peerId }, {});
    expect(await ended).toMatchObject({
      callId,
      to: [],
      event: { type: "callEnded", reason: "empty", joinedUsers: 4, peakPeers: 4 },
    });
    expect(await n1.request("nodeInfo", {}, {})).toMatchObject({ calls: 0, peers: 0, consumers: 0 });
    await expect(n1.request("join", { callId, peerId: "late" }, await joinData(n1, "late"))).rejects.toMatchObject({
      code: "call_ended",
    });
  });
});
