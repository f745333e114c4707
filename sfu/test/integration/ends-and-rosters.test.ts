// What API nodes need to keep the channel's view of a call right: a roster after every join and leave, an
// end that waits for a node to write it down (even if every node was away when it happened), and calls of
// an earlier SFU process that cannot be joined again.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SfuClient } from "../../src/client.js";
import type { SfuEventFrame, SfuRosterFrame } from "../../src/protocol.js";
import { connectNode, joinData, joinPeer, sleep } from "../support/harness.js";
import { requireWorker, type SfuProcess, startSfu } from "../support/sfu-process.js";

/** Frames of one kind a node receives, kept from the moment it connects. */
async function listeningNode(sfu: SfuProcess, nodeId: string) {
  const events: SfuEventFrame[] = [];
  const rosters: SfuRosterFrame[] = [];
  const node = await connectNode(sfu.url, sfu.secret, nodeId, (client) => {
    client.on("event", (f) => events.push(f));
    client.on("roster", (f) => rosters.push(f));
  });
  return { node, events, rosters };
}

describe.runIf(requireWorker(import.meta.filename))("ends and rosters", () => {
  let sfu: SfuProcess;
  const nodes: SfuClient[] = [];

  beforeAll(async () => {
    sfu = await startSfu();
  });

  afterAll(async () => {
    for (const n of nodes) n.close();
    await sfu?.stop();
  });

  test("every join and leave sends one node the call's roster, one entry per user", async () => {
    const { node, rosters } = await listeningNode(sfu, "api-roster");
    const other = await listeningNode(sfu, "api-other");
    nodes.push(node, other.node);
    const a = await joinPeer(node, "call-roster", "a");
    const b = await joinPeer(node, "call-roster", "b");
    await node.request("leave", { callId: "call-roster", peerId: b.peerId }, {});
    await sleep(300);
    expect(rosters.map((r) => r.peers.map((p) => p.userId))).toEqual([["user-a"], ["user-a", "user-b"], ["user-a"]]);
    expect(rosters[0]).toMatchObject({ callId: "call-roster", channelId: "channel-test" });
    // Only the node of the peer who came or went is told: the channel hears it once, not once per node.
    expect(other.rosters).toEqual([]);
    await node.request("leave", { callId: "call-roster", peerId: a.peerId }, {});
    for (const p of [a, b]) p.close();
  });

  test("an end no node wrote down is offered to every node that connects until one says endRecorded", async () => {
    const first = await connectNode(sfu.url, sfu.secret, "api-doomed");
    const a = await joinPeer(first, "call-orphan", "a");
    // The only node of the call's only participant goes: the call ends with no node to hear it.
    first.kill();
    a.close();
    await sleep(500);
    const second = await listeningNode(sfu, "api-second");
    nodes.push(second.node);
    await sleep(300);
    const ends = second.events.filter((f) => f.callId === "call-orphan");
    expect(ends).toMatchObject([
      {
        to: [],
        event: { type: "callEnded", reason: "empty", joinedUsers: 1, channelId: "channel-test", startedBy: "user-a" },
      },
    ]);
    // Not written down yet: the next node hears it again. Once one says so, no node hears it any more.
    const third = await listeningNode(sfu, "api-third");
    nodes.push(third.node);
    await sleep(300);
    expect(third.events.filter((f) => f.callId === "call-orphan")).toHaveLength(1);
    await third.node.request("endRecorded", { callId: "call-orphan" }, {});
    const fourth = await listeningNode(sfu, "api-fourth");
    nodes.push(fourth.node);
    await sleep(300);
    expect(fourth.events.filter((f) => f.callId === "call-orphan")).toEqual([]);
  });

  test("a join naming another SFU process (this one restarted since) is refused with call_ended", async () => {
    const { node } = await listeningNode(sfu, "api-stale");
    nodes.push(node);
    const data = { ...(await joinData(node, "late")), instanceId: "an-earlier-process" };
    await expect(node.request("join", { callId: "call-of-old", peerId: "late" }, data)).rejects.toMatchObject({
      code: "call_ended",
    });
    expect(await node.request("nodeInfo", {}, {})).toMatchObject({ calls: 0 });
  });
});
