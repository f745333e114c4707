// One call: a mediasoup router on one worker, its active-speaker observer and its peers. The room owns
// the call's state and decides who hears about what; it ends when its last peer leaves.
import type { types as ms } from "mediasoup";
import type { Logger } from "pino";
import type { SfuConfig } from "./config.js";
import { SfuError } from "./errors.js";
import type { Link } from "./link.js";
import { ACTIVE_SPEAKER_INTERVAL_MS, mediaCodecs } from "./media.js";
import { Peer, type PeerProducer } from "./peer.js";
import type { CallEvent, EndReason, LeaveReason } from "./protocol.js";
import type { WorkerPool } from "./workers.js";

export type CallEnded = Extract<CallEvent, { type: "callEnded" }>;

/** How often peers' transports are checked for silence (SFU_PEER_TIMEOUT_MS). */
const WATCH_INTERVAL_MS = 1000;

export type RoomHooks = {
  /** Every API node connected now: each hears that a call ended, whether or not it hosts a peer of it. */
  links(): Iterable<Link>;
  closed(room: Room, event: CallEnded): void;
};

export class Room {
  readonly peers = new Map<string, Peer>();
  private readonly startedAt = Date.now();
  private readonly users = new Set<string>();
  private peakPeers = 0;
  private speakerId: string | null = null;
  closed = false;
  private readonly watchdog: NodeJS.Timeout;

  private constructor(
    readonly id: string,
    /** Whose call this is, as the API said at the first join; handed back with its roster and its end. */
    readonly origin: { channelId: string; startedBy: string },
    readonly router: ms.Router,
    readonly webRtcServer: ms.WebRtcServer,
    readonly speakerObserver: ms.ActiveSpeakerObserver,
    readonly config: SfuConfig,
    readonly log: Logger,
    private readonly hooks: RoomHooks,
  ) {
    this.watchdog = setInterval(() => void this.dropSilentPeers(), WATCH_INTERVAL_MS);
    this.watchdog.unref();
  }

  static async create(
    id: string,
    origin: Room["origin"],
    pool: WorkerPool,
    config: SfuConfig,
    log: Logger,
    hooks: RoomHooks,
  ) {
    const { router, webRtcServer } = await pool.place(mediaCodecs);
    const speakerObserver = await router.createActiveSpeakerObserver({ interval: ACTIVE_SPEAKER_INTERVAL_MS });
    const room = new Room(id, origin, router, webRtcServer, speakerObserver, config, log.child({ callId: id }), hooks);
    router.on("workerclose", () => room.close("workerDied"));
    speakerObserver.on("dominantspeaker", ({ producer }) => room.speakerChanged(producer));
    room.log.info("call started");
    return room;
  }

  join(link: Link, peerId: string, userId: string, displayName: string): Peer {
    if (this.closed) throw new SfuError("call_ended", "This call has ended.");
    const existing = this.peers.get(peerId);
    if (existing?.link === link) throw new SfuError("already_joined", "This peer is already in the call.");
    // The same peer through another API node: that node lost it, this one has it now.
    if (existing) this.leave(existing, "disconnected");
    const max = this.config.SFU_MAX_PEERS_PER_CALL;
    if (this.peers.size >= max) {
      throw new SfuError("call_full", `This call is full (${max} participants at most).`, { max });
    }
    const peer = new Peer(peerId, userId, displayName, link);
    this.peers.set(peerId, peer);
    this.users.add(userId);
    this.peakPeers = Math.max(this.peakPeers, this.peers.size);
    this.emit({ type: "peerJoined", peer: peer.info() }, this.others(peer));
    this.log.info({ peerId, userId, peers: this.peers.size }, "peer joined");
    this.sendRoster(link);
    return peer;
  }

  leave(peer: Peer, reason: LeaveReason) {
    if (this.peers.get(peer.id) !== peer) return;
    this.peers.delete(peer.id);
    const others = [...this.peers.values()];
    // Unless it asked to leave, the peer hears it too (before it is closed), so its client can tell the
    // user why (removed, or dropped as unreachable) instead of finding out from a failed request.
    const event: CallEvent = { type: "peerLeft", peerId: peer.id, userId: peer.userId, reason };
    this.emit(event, reason === "left" ? others : [...others, peer]);
    peer.close();
    this.log.info({ peerId: peer.id, reason, peers: this.peers.size }, "peer left");
    if (this.peers.size === 0) return this.close("empty");
    if (this.speakerId === peer.id) {
      this.speakerId = null;
      this.emit({ type: "activeSpeaker", peerId: null, userId: null }, others);
    }
    this.sendRoster(peer.link);
  }

  /** Who is in the call now, to one API node (`via` if it is still there), which tells the channel. */
  private sendRoster(via: Link) {
    const links = [via, ...this.hooks.links()];
    const link = links.find((l) => l.isOpen);
    const seen = new Set<string>();
    const peers = [];
    for (const p of this.peers.values()) {
      if (seen.has(p.userId)) continue;
      seen.add(p.userId);
      peers.push({ userId: p.userId, displayName: p.displayName });
    }
    link?.sendRoster({ type: "roster", callId: this.id, channelId: this.origin.channelId, peers });
  }

  /** A peer whose client vanished without its API node noticing (no FIN, a dead network) goes here. */
  private async dropSilentPeers() {
    const timeout = this.config.SFU_PEER_TIMEOUT_MS;
    for (const peer of [...this.peers.values()]) {
      const silent = await peer.silentForMs().catch(() => 0);
      if (silent > timeout && !peer.closed) {
        this.log.warn({ peerId: peer.id, silentMs: silent }, "peer's transports went silent; removing it");
        this.leave(peer, "disconnected");
      }
    }
  }

  close(reason: EndReason) {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    const remaining = [...this.peers.values()];
    this.peers.clear();
    for (const peer of remaining) peer.close();
    this.router.close();
    const event: CallEnded = {
      type: "callEnded",
      reason,
      durationMs: Date.now() - this.startedAt,
      joinedUsers: this.users.size,
      peakPeers: this.peakPeers,
      ...this.origin,
    };
    for (const link of this.hooks.links()) {
      link.sendEvent(
        this.id,
        remaining.filter((p) => p.link === link).map((p) => p.id),
        event,
      );
    }
    this.log.info({ reason, durationMs: event.durationMs, joinedUsers: event.joinedUsers }, "call ended");
    this.hooks.closed(this, event);
  }

  others(peer: Peer): Peer[] {
    return [...this.peers.values()].filter((p) => p !== peer);
  }

  /** Sends one frame per API node, naming the recipients it hosts. */
  emit(event: CallEvent, recipients: Iterable<Peer>) {
    const byLink = new Map<Link, string[]>();
    for (const peer of recipients) {
      if (peer.closed) continue;
      const ids = byLink.get(peer.link) ?? [];
      ids.push(peer.id);
      byLink.set(peer.link, ids);
    }
    for (const [link, ids] of byLink) link.sendEvent(this.id, ids, event);
  }

  findProducer(producerId: string): { owner: Peer; entry: PeerProducer } | undefined {
    for (const owner of this.peers.values()) {
      const entry = owner.producers.get(producerId);
      if (entry) return { owner, entry };
    }
    return undefined;
  }

  private speakerChanged(producer: ms.Producer) {
    const found = this.findProducer(producer.id);
    if (!found || found.owner.id === this.speakerId) return;
    this.speakerId = found.owner.id;
    this.emit({ type: "activeSpeaker", peerId: found.owner.id, userId: found.owner.userId }, this.peers.values());
  }
}
