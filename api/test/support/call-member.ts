// A call participant for API tests: a chat socket (TestSocket) and a real WebRTC peer in Node (the SFU's
// TestPeer) whose signalling is that socket's call.* frames and whose events are its callEvent frames.
import { type PeerSignal, TestPeer } from "sfu/test-support";
import type { CallJoined, ServerFrame } from "../../src/realtime/protocol.js";
import { TestSocket } from "./socket-client.js";

export type CallMember = { name: string; socket: TestSocket; peer: TestPeer; joined: CallJoined };

/** A peer signalling over `socket`; it hears the socket's callEvent frames from now on. */
export function peerOverSocket(name: string, socket: TestSocket, peerId: string): TestPeer {
  const signal: PeerSignal = {
    request: async (method, data) => {
      const reply = await socket.request(`call.${method}` as "call.produce", data as Record<string, unknown>);
      if (!reply.ok) throw Object.assign(new Error(`${method}: ${reply.error.message}`), { code: reply.error.code });
      return reply.result as never;
    },
  };
  const peer = new TestPeer(name, peerId, signal);
  socket.ws.on("message", (raw) => {
    const frame = JSON.parse(String(raw)) as ServerFrame;
    if (frame.type === "callEvent") peer.handleEvent(frame.event);
  });
  return peer;
}

/** Opens a socket as the user with `token`, starts or joins the channel's call and sets up its media. */
export async function joinCall(
  apiUrl: string,
  token: string,
  name: string,
  channelId: string,
  type: "call.start" | "call.join" = "call.join",
): Promise<CallMember> {
  const socket = await TestSocket.connect(apiUrl, token);
  const joined = await socket.ok(type, { channelId });
  const peer = peerOverSocket(name, socket, joined.peerId);
  await peer.start(joined);
  return { name, socket, peer, joined };
}

export function leaveAll(members: CallMember[]) {
  for (const m of members.splice(0)) {
    m.peer.close();
    m.socket.close();
  }
}
