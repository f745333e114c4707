// A peer is as alive as the API node that hosts it: a node whose socket closes, or that stops answering
// (here: a TCP relay that silently stops passing bytes), takes its peers out of their calls.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SfuClient } from "../../src/client.js";
import { connectNode, joinPeer } from "../support/harness.js";
import { requireWorker, type SfuProcess, startSfu } from "../support/sfu-process.js";
import { startProxy } from "../support/tcp-proxy.js";
import type { TestPeer } from "../support/test-peer.js";

describe.runIf(requireWorker(import.meta.filename))("peers that vanish", () => {
  const callId = "call-liveness";
  let sfu: SfuProcess;
  let n1: SfuClient;
  let a: TestPeer;

  beforeAll(async () => {
    // The default link timeout, so this proves the shipped setting meets the 10 s promise.
    sfu = await startSfu({ SFU_LINK_TIMEOUT_MS: "6000" });
    n1 = await connectNode(sfu.url, sfu.secret, "api-1");
    a = await joinPeer(n1, callId, "a");
    await a.produceAudio();
  });

  afterAll(async () => {
    a?.close();
    n1?.close();
    await sfu?.stop();
  });

  async function joinSender(node: SfuClient, name: string) {
    const peer = await joinPeer(node, callId, name);
    await peer.produceAudio();
    await a.waitFor(`${name}'s audio`, (e) => e.type === "newProducer" && e.peerId === peer.peerId);
    return peer;
  }

  test("a node whose socket closes: its peers are gone at once and the others' consumers close", async () => {
    const n2 = await connectNode(sfu.url, sfu.secret, "api-2");
    const x = await joinSender(n2, "x");
    const start = Date.now();
    n2.kill();
    x.close();
    await a.waitFor(
      "x to leave",
      (e) => e.type === "peerLeft" && e.peerId === x.peerId && e.reason === "disconnected",
      3000,
    );
    await a.waitFor(
      "a's consumer of x to close",
      (e) => e.type === "consumerClosed" && e.producerId === x.producers.get("mic")?.id,
      3000,
    );
    expect(Date.now() - start).toBeLessThan(3000);
  });

  test("a node that goes silent: its peers are removed within 10 s", async () => {
    const relay = await startProxy(Number(new URL(sfu.url).port));
    const n3 = await connectNode(`ws://127.0.0.1:${relay.port}`, sfu.secret, "api-3");
    const y = await joinSender(n3, "y");
    const mark = a.mark();
    const start = Date.now();
    relay.freeze();
    y.stopMedia();
    await a.waitFor(
      "y to be dropped",
      (e) => e.type === "peerLeft" && e.peerId === y.peerId && e.reason === "disconnected",
      10_000,
      mark,
    );
    const elapsed = Date.now() - start;
    console.log(`silent node dropped after ${elapsed} ms`);
    expect(elapsed).toBeLessThan(10_000);
    expect(elapsed).toBeGreaterThan(3000); // it was the keepalive that noticed, not a closed socket
    const { peers } = await n1.request("getParticipants", { callId }, {});
    expect(peers.map((p) => p.peerId)).toEqual([a.peerId]);
    y.close();
    n3.kill();
    await relay.close();
  });
});
