// A joined peer's non-media requests: what it shows the others (mute, screen share, raised hand) and
// what it can ask about itself.
import { type Ctx, closeProducerOf } from "./media-requests.js";
import type { PeerRequest, SfuResults } from "./protocol.js";

type Data<M extends PeerRequest["method"]> = Extract<PeerRequest, { method: M }>["data"];

export async function getRouterCapabilities({ room }: Ctx): Promise<SfuResults["getRouterCapabilities"]> {
  return { routerRtpCapabilities: room.router.rtpCapabilities };
}

/** Muting pauses the producer (nothing is forwarded) and tells everyone; it works before producing too. */
export async function setMuted(ctx: Ctx, { source, muted }: Data<"setMuted">): Promise<SfuResults["setMuted"]> {
  const { room, peer } = ctx;
  const entry = peer.producerOf(source);
  if (entry) await (muted ? entry.producer.pause() : entry.producer.resume());
  peer.muted[source] = muted;
  const info = peer.info();
  room.emit({ type: "peerUpdated", peer: info }, room.others(peer));
  return { peer: info };
}

export async function stopScreenShare(ctx: Ctx): Promise<SfuResults["stopScreenShare"]> {
  const closed: string[] = [];
  for (const source of ["screen", "screenAudio"] as const) {
    const entry = ctx.peer.producerOf(source);
    if (!entry) continue;
    closeProducerOf(ctx, entry.producer.id);
    closed.push(entry.producer.id);
  }
  return { closed };
}

export async function raiseHand({ room, peer }: Ctx, { raised }: Data<"raiseHand">): Promise<SfuResults["raiseHand"]> {
  peer.handRaised = raised;
  const info = peer.info();
  room.emit({ type: "peerUpdated", peer: info }, room.others(peer));
  return { peer: info };
}

export async function getStats({ peer }: Ctx): Promise<SfuResults["getStats"]> {
  return peer.stats();
}
