// Peers that vanish are cleaned up within 10 s, however they vanish: the API node hosting them closes its
// socket or stops answering (a TCP relay that silently stops passing bytes), or the client's own network
// dies while its API node stays (a UDP relay in its media path that stops passing packets).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SfuClient } from "../../src/client.js";
import { connectNode, joinPeer, sleep } from "../support/harness.js";
import { requireWorker, type SfuProcess, startSfu } from "../support/sfu-process.js";
import { startProxy } from "../support/tcp-proxy.js";
import type { TestPeer } from "../support/test-peer.js";
import { startUdpRelay, type UdpRelay } from "../support/udp-relay.js";

/** The shipped timeouts (sfu/src/config.ts) and how often each is checked. */
const LINK_TIMEOUT_MS = 6000; // checked every timeout/4
const PEER_TIMEOUT_MS = 7000; // checked every second
/**
 * Timers fire late and processes answer late on a loaded 2-core machine: the slack allowed on top of the
 * nominal bound. Both totals are 10 s, the documented promise.
 */
const NODE_DROP_BOUND_MS = LINK_TIMEOUT_MS * 1.25 + 2500;
const PEER_DROP_BOUND_MS = PEER_TIMEOUT_MS + 1000 + 2000;

describe.runIf(requireWorker(import.meta.filename))("peers that vanish", () => {
  const callId = "call-liveness";
  let sfu: SfuProcess;
  let n1: SfuClient;
  let a: TestPeer;

  beforeAll(async () => {
    // The default link timeout, so this proves the shipped setting meets the 10 s promise.
    sfu = await startSfu({
      SFU_LINK_TIMEOUT_MS: String(LINK_TIMEOUT_MS),
      SFU_PEER_TIMEOUT_MS: String(PEER_TIMEOUT_MS),
    });
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
      LINK_TIMEOUT_MS,
    );
    await a.waitFor(
      "a's consumer of x to close",
      (e) => e.type === "consumerClosed" && e.producerId === x.producers.get("mic")?.id,
      LINK_TIMEOUT_MS,
    );
    const elapsed = Date.now() - start;
    console.log(`closed node's peer gone after ${elapsed} ms`);
    // Anything under the link timeout was the closed socket, not the keepalive.
    expect(elapsed).toBeLessThan(LINK_TIMEOUT_MS);
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
      NODE_DROP_BOUND_MS,
      mark,
    );
    const elapsed = Date.now() - start;
    console.log(`silent node dropped after ${elapsed} ms (bound ${NODE_DROP_BOUND_MS} ms)`);
    expect(elapsed).toBeLessThan(NODE_DROP_BOUND_MS);
    expect(elapsed).toBeGreaterThanOrEqual(LINK_TIMEOUT_MS); // it was the keepalive that noticed, not a closed socket
    const { peers } = await n1.request("getParticipants", { callId }, {});
    expect(peers.map((p) => p.peerId)).toEqual([a.peerId]);
    y.close();
    n3.kill();
    await relay.close();
  });

  test("a client whose network dies while its node stays: removed within 10 s; quiet listeners stay", async () => {
    const relays: UdpRelay[] = [];
    // z's media goes through relays (UDP candidates only), so its network can be cut.
    const z = await joinPeer(n1, callId, "z", {
      mapCandidates: async (candidates) => {
        const udp = candidates.filter((c) => c.protocol === "udp");
        return Promise.all(
          udp.map(async (c) => {
            const relay = await startUdpRelay(c.ip, c.port);
            relays.push(relay);
            return { ...c, ip: "127.0.0.1", port: relay.port };
          }),
        );
      },
    });
    await z.produceAudio();
    await a.waitFor("z's audio", (e) => e.type === "newProducer" && e.peerId === z.peerId);
    // A listener that sends nothing of its own, only receives a's audio, for longer than the timeout.
    const listener = await joinPeer(n1, callId, "listener");
    const mark = a.mark();
    const start = Date.now();
    for (const relay of relays) relay.freeze();
    z.stopMedia();
    await a.waitFor(
      "z to be dropped",
      (e) => e.type === "peerLeft" && e.peerId === z.peerId && e.reason === "disconnected",
      PEER_DROP_BOUND_MS,
      mark,
    );
    const elapsed = Date.now() - start;
    console.log(`silent client dropped after ${elapsed} ms (bound ${PEER_DROP_BOUND_MS} ms)`);
    expect(elapsed).toBeLessThan(PEER_DROP_BOUND_MS);
    expect(elapsed).toBeGreaterThanOrEqual(PEER_TIMEOUT_MS - 1000); // the silence watchdog, not a goodbye
    // The dropped participant is told too (through its API node, which is still there), so its client can
    // say so and rejoin rather than find out from a failed request.
    await z.waitFor("its own removal", (e) => e.type === "peerLeft" && e.peerId === z.peerId, 2000);
    expect(z.events.find((e) => e.type === "peerLeft" && e.peerId === z.peerId)).toMatchObject({
      reason: "disconnected",
    });
    // The listener sent no media of its own for longer than the timeout, and stays.
    await sleep(Math.max(0, PEER_TIMEOUT_MS + 2000 - (Date.now() - start)));
    const { peers } = await n1.request("getParticipants", { callId }, {});
    expect(peers.map((p) => p.peerId).sort()).toEqual([a.peerId, listener.peerId].sort());
    z.close();
    listener.close();
    for (const relay of relays) relay.close();
  });

  test("a first joiner who takes longer than the timeout to send (a permission prompt) stays, and so does the call", async () => {
    const slowCall = "call-liveness-slow";
    const slow = await joinPeer(n1, slowCall, "slow");
    // Its transports exist but carry nothing yet: the user is still looking at the camera prompt.
    await sleep(PEER_TIMEOUT_MS + 2500);
    await slow.produceAudio();
    const { peers } = await n1.request("getParticipants", { callId: slowCall }, {});
    expect(peers.map((p) => p.peerId)).toEqual([slow.peerId]);
    expect(slow.events.filter((e) => e.type === "peerLeft" || e.type === "callEnded")).toEqual([]);
    await n1.request("leave", { callId: slowCall, peerId: slow.peerId }, {});
    slow.close();
  });
});
