// Drives the SFU exactly as an API node does: one SfuClient per "node", peers joined through it, and the
// node's event frames handed to the peers they name.
import { SfuClient } from "../../src/client.js";
import { type PeerOptions, TestPeer } from "./test-peer.js";

export async function connectNode(url: string, secret: string, nodeId: string): Promise<SfuClient> {
  return SfuClient.connect({ url, secret, nodeId, keepaliveMs: 1000 });
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
  const joined = await node.request("join", { callId, peerId }, { userId: `user-${name}`, displayName: name });
  await peer.start(joined);
  return peer;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true; fails naming `what` and the last state `describe` gives. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
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
