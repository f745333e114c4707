// Limits and refusals: each comes back as a typed error the client can act on, and the link lives on.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { SfuClient } from "../../src/client.js";
import { connectNode, joinData, joinPeer } from "../support/harness.js";
import { requireWorker, type SfuProcess, startSfu } from "../support/sfu-process.js";
import type { TestPeer } from "../support/test-peer.js";

describe.runIf(requireWorker(import.meta.filename))("limits and refusals", () => {
  const callId = "call-limits";
  let sfu: SfuProcess;
  let node: SfuClient;
  const peers: TestPeer[] = [];
  const as = (peerId: string) => ({ callId, peerId });

  beforeAll(async () => {
    sfu = await startSfu({ SFU_MAX_PEERS_PER_CALL: "3", SFU_MAX_INCOMING_BITRATE: "1000000" });
    node = await connectNode(sfu.url, sfu.secret, "api-1");
  });

  afterAll(async () => {
    for (const p of peers) p.close();
    node?.close();
    await sfu?.stop();
  });

  test("a wrong SFU_SECRET is refused before the upgrade, with what to do", async () => {
    await expect(SfuClient.connect({ url: sfu.url, secret: "not-the-secret-at-all" })).rejects.toThrow(
      /refused SFU_SECRET/,
    );
  });

  test("a wrong protocol version is refused before the upgrade", async () => {
    const ws = new WebSocket(`${sfu.url}/sfu`, {
      headers: { authorization: `Bearer ${sfu.secret}`, "x-parley-sfu-protocol": "0" },
    });
    const status = await new Promise((resolve) =>
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode)),
    );
    expect(status).toBe(409);
  });

  test("an invalid frame gets bad_request naming the field; a request before joining gets not_joined", async () => {
    await expect(
      node.request("createTransport", as("nobody"), { direction: "sideways" as "send" }),
    ).rejects.toMatchObject({
      code: "bad_request",
      message: expect.stringContaining("data.direction"),
    });
    await expect(node.request("createTransport", as("nobody"), { direction: "send" })).rejects.toMatchObject({
      code: "not_joined",
    });
    expect(await node.request("nodeInfo", {}, {})).toMatchObject({ workers: 1 });
  });

  test("media reaches the SFU on one UDP and one TCP port, whatever the number of transports", async () => {
    const a = await joinPeer(node, "call-ports", "ports-a");
    const b = await joinPeer(node, "call-ports", "ports-b");
    try {
      const candidates = [];
      for (const peerId of [a.peerId, b.peerId]) {
        for (const direction of ["send", "recv"] as const) {
          const info = await node.request("createTransport", { callId: "call-ports", peerId }, { direction });
          candidates.push(...info.iceCandidates);
        }
      }
      const used = [...new Set(candidates.map((c) => `${c.protocol}/${c.port}`))].sort();
      expect(used).toEqual([`tcp/${sfu.rtcPort}`, `udp/${sfu.rtcPort}`]);
    } finally {
      for (const p of [a, b]) {
        await node.request("leave", { callId: "call-ports", peerId: p.peerId }, {});
        p.close();
      }
    }
  });

  test("max participants per call: the one over gets call_full with the limit", async () => {
    for (const name of ["p1", "p2", "p3"]) peers.push(await joinPeer(node, callId, name));
    await expect(node.request("join", as("p4"), await joinData(node, "p4"))).rejects.toMatchObject({
      code: "call_full",
      details: { max: 3 },
    });
    await expect(node.request("join", as(peers[0]?.peerId ?? ""), await joinData(node, "p1"))).rejects.toMatchObject({
      code: "already_joined",
    });
  });

  test("per-peer bitrate cap: encodings asking for more than SFU_MAX_INCOMING_BITRATE get bitrate_limit", async () => {
    const peerId = peers[0]?.peerId ?? "";
    const { transportId } = await node.request("createTransport", as(peerId), { direction: "send" });
    const rtpParameters = {
      codecs: [{ mimeType: "video/VP8", payloadType: 96, clockRate: 90000 }],
      encodings: [
        { rid: "r0", maxBitrate: 200_000 },
        { rid: "r1", maxBitrate: 900_000 },
      ],
    };
    await expect(
      node.request("produce", as(peerId), { transportId, kind: "video", source: "camera", rtpParameters }),
    ).rejects.toMatchObject({
      code: "bitrate_limit",
      details: { limit: 1_000_000, requested: 1_100_000 },
    });
    await expect(
      node.request("produce", as(peerId), { transportId, kind: "audio", source: "camera", rtpParameters }),
    ).rejects.toMatchObject({
      code: "bad_request",
    });
  });

  test("one producer per source, two transports per direction, and unknown ids are not_found", async () => {
    const p2 = peers[1];
    if (!p2) throw new Error("p2 missing");
    const mic = await p2.produceAudio();
    const send = [...(await node.request("getStats", as(p2.peerId), {})).transports].find(
      (t) => t.direction === "send",
    );
    await expect(
      node.request("produce", as(p2.peerId), {
        transportId: send?.transportId ?? "",
        kind: "audio",
        source: "mic",
        rtpParameters: mic.rtpParameters as never,
      }),
    ).rejects.toMatchObject({ code: "too_many_producers" });
    await node.request("createTransport", as(p2.peerId), { direction: "recv" });
    await expect(node.request("createTransport", as(p2.peerId), { direction: "recv" })).rejects.toMatchObject({
      code: "too_many_transports",
    });
    await expect(node.request("closeProducer", as(p2.peerId), { producerId: "nope" })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      node.request("consume", as(p2.peerId), { transportId: "nope", producerId: mic.id }),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});
