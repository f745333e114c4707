// This node's sockets that are in a call, by connection id (which is also the peer id at the SFU), and
// how call events reach them.
import type { CallEvent, SfuEventFrame } from "sfu/protocol";
import type { ServerFrame } from "../realtime/protocol.js";
import type { CallRecord } from "./directory.js";

export type LocalPeer = {
  peerId: string;
  userId: string;
  sessionId: string;
  record: CallRecord;
  send(frame: ServerFrame): void;
};

export class LocalPeers {
  private readonly byId = new Map<string, LocalPeer>();

  get(peerId: string) {
    return this.byId.get(peerId);
  }

  add(peer: LocalPeer) {
    this.byId.set(peer.peerId, peer);
  }

  /** Forgets the peer; returns it if it was here. */
  take(peerId: string): LocalPeer | undefined {
    const peer = this.byId.get(peerId);
    this.byId.delete(peerId);
    return peer;
  }

  /** Forgets and returns every peer that passes `test`. */
  takeWhere(test: (peer: LocalPeer) => boolean): LocalPeer[] {
    const taken = [...this.byId.values()].filter(test);
    for (const peer of taken) this.byId.delete(peer.peerId);
    return taken;
  }

  ids() {
    return [...this.byId.keys()];
  }

  tell(peer: LocalPeer, event: CallEvent) {
    peer.send({ type: "callEvent", callId: peer.record.callId, channelId: peer.record.channelId, event });
  }

  /** An SFU event to the peers it names; a peer whose call ended, or who left it, is forgotten. */
  deliver({ callId, to, event }: SfuEventFrame) {
    for (const peerId of to) {
      const peer = this.byId.get(peerId);
      if (!peer || peer.record.callId !== callId) continue;
      this.tell(peer, event);
      if (event.type === "callEnded" || (event.type === "peerLeft" && event.peerId === peerId))
        this.byId.delete(peerId);
    }
  }
}
