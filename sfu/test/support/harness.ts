// Drives the SFU exactly as an API node does: one SfuClient per "node", peers joined through it, and the
// node's event frames handed to the peers they name.
import { SfuClient } from "../../src/client.js";
import { type PeerOptions, TestPeer } from "./test-peer.js";

export async function connectNode(
  url: string,
  secret: string,
  nodeId: string,
  listen?: (client: SfuClient) => void,
): Promise<SfuClient> {
  // The product's default keepalive (a dead SFU is noticed after two missed pongs, 4 s): a shorter one
  // mistook a test process or SFU stalled by a loaded machine for a dead link (CI, load average 25).
  return SfuClient.connect({ url, secret, nodeId, ...(listen ? { listen } : {}) });
}

export async function joinPeer(
  node: SfuClient,
  callId: string,
  name: string,
  options: PeerOptions = {},
): Promise<TestPeer> {
  const peerId = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  const peer = new TestPeer(
    name,
    peerId,
    {
      request: (method, data) => node.request(method, { callId, peerId }, data),
    },
    options,
  );
  node.on("event", (frame) => {
    if (frame.callId === callId && frame.to.includes(peerId)) peer.handleEvent(frame.event);
  });
  const joined = await node.request("join", { callId, peerId }, await joinData(node, name));
  await peer.start(joined);
  return peer;
}

/** A join's data as an API node sends it: the SFU process's instance id (asked once per node) and a channel. */
export async function joinData(node: SfuClient, name: string) {
  let instanceId = instances.get(node);
  if (!instanceId) {
    instanceId = (await node.request("nodeInfo", {}, {})).instanceId;
    instances.set(node, instanceId);
  }
  return { userId: `user-${name}`, displayName: name, instanceId, channelId: "channel-test" };
}
const instances = new WeakMap<SfuClient, string>();

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` until it returns true; fails naming `what` and the last state `describe` gives. The default
 * deadline is long: on a loaded 2-core machine a new transport's ICE and DTLS (werift's are pure JS) can
 * take many seconds before the first packet; a deadline is not a speed claim.
 */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  describe?: () => unknown,
) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check()) return Date.now() - start;
    await sleep(100);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${describe ? `: ${JSON.stringify(describe())}` : ""}`,
  );
}
