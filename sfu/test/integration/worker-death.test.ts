// A mediasoup worker that dies (a crash, the OOM killer) takes its calls with it: their participants are
// told at once, the worker is replaced, and the next call runs on the new one.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SfuClient } from "../../src/client.js";
import { connectNode, joinPeer, until } from "../support/harness.js";
import { requireWorker, type SfuProcess, startSfu } from "../support/sfu-process.js";
import type { TestPeer } from "../support/test-peer.js";

/** The SFU's worker processes (its children). */
function workerPids(sfu: SfuProcess): number[] {
  let out = "";
  try {
    out = execFileSync("ps", ["-o", "pid=", "--ppid", String(sfu.child.pid)], { encoding: "utf8" });
  } catch {
    return []; // ps exits 1 when there is none
  }
  return out
    .split("\n")
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
}

describe.runIf(requireWorker(import.meta.filename))("a worker that dies", () => {
  let sfu: SfuProcess;
  let node: SfuClient;
  const peers: TestPeer[] = [];

  beforeAll(async () => {
    sfu = await startSfu();
    node = await connectNode(sfu.url, sfu.secret, "api-1");
  });

  afterAll(async () => {
    for (const p of peers) p.close();
    node?.close();
    await sfu?.stop();
  });

  test("its calls' participants hear callEnded (workerDied) and a new call runs on the replacement", async () => {
    const a = await joinPeer(node, "call-doomed", "a");
    const b = await joinPeer(node, "call-doomed", "b");
    peers.push(a, b);
    await a.produceAudio();
    await until("b to receive a's audio", () => (b.received().get(`${a.peerId}/audio`) ?? 0) > 10);
    const [pid] = workerPids(sfu);
    expect(pid).toBeGreaterThan(0);
    const ended = new Promise((resolve) =>
      node.on("event", (f) => f.callId === "call-doomed" && f.event.type === "callEnded" && resolve(f)),
    );
    process.kill(pid as number, "SIGKILL");
    for (const p of [a, b]) {
      await p.waitFor("callEnded", (e) => e.type === "callEnded" && e.reason === "workerDied", 5000);
    }
    // Every API node hears it (it writes the end into the channel), not only those of the participants.
    expect(await ended).toMatchObject({ event: { type: "callEnded", reason: "workerDied", joinedUsers: 2 } });
    await until("a replacement worker", () => workerPids(sfu).some((p) => p !== pid), 10_000);
    expect(await node.request("nodeInfo", {}, {})).toMatchObject({ workers: 1, calls: 0, peers: 0 });

    const c = await joinPeer(node, "call-after", "c");
    const d = await joinPeer(node, "call-after", "d");
    peers.push(c, d);
    await c.produceAudio();
    await until("d to receive c's audio on the new worker", () => (d.received().get(`${c.peerId}/audio`) ?? 0) > 10);
  });
});
