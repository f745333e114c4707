// The calls this SFU hosts (callId → room) and the API nodes connected to it. A room is created by the
// first join; an ended call's id is remembered for a while, so a late join cannot bring it back. A call's
// end is offered to every API node, and to each that connects later, until one says it wrote it down:
// so a call ends in its channel even if every API node was down when it ended.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { SfuConfig } from "./config.js";
import { SfuError } from "./errors.js";
import type { Link } from "./link.js";
import type { NodeInfo } from "./protocol.js";
import { type CallEnded, Room } from "./room.js";
import type { WorkerPool } from "./workers.js";

const REMEMBER_ENDED_MS = 60 * 60_000;

export class Calls {
  /** This process; calls placed on another one (before a restart) cannot be joined here. */
  readonly instanceId = randomUUID();
  readonly rooms = new Map<string, Room>();
  readonly links = new Set<Link>();
  private readonly creating = new Map<string, Promise<Room>>();
  private readonly ended = new Map<string, number>();
  /** Ends no API node has confirmed writing yet (endRecorded), oldest first. */
  private readonly unrecorded = new Map<string, { at: number; event: CallEnded }>();

  constructor(
    readonly pool: WorkerPool,
    readonly config: SfuConfig,
    readonly log: Logger,
  ) {}

  /** The room to join: the running one, or a new one on the least loaded worker. */
  async roomForJoin(callId: string, instanceId: string, origin: Room["origin"]): Promise<Room> {
    if (instanceId !== this.instanceId) {
      throw new SfuError("call_ended", "This call was on a call server that has restarted since; start a new one.");
    }
    if (this.ended.has(callId)) throw new SfuError("call_ended", "This call has ended; start a new one.");
    const running = this.rooms.get(callId);
    if (running) return running;
    let pending = this.creating.get(callId);
    if (!pending) {
      pending = Room.create(callId, origin, this.pool, this.config, this.log, {
        links: () => this.links,
        closed: (room, event) => this.roomClosed(room, event),
      }).finally(() => this.creating.delete(callId));
      this.creating.set(callId, pending);
      this.rooms.set(callId, await pending);
    }
    return pending;
  }

  private roomClosed(room: Room, event: CallEnded) {
    if (this.rooms.get(room.id) === room) this.rooms.delete(room.id);
    const now = Date.now();
    this.ended.set(room.id, now);
    this.unrecorded.set(room.id, { at: now, event });
    for (const [id, at] of this.ended) if (now - at > REMEMBER_ENDED_MS) this.ended.delete(id);
    for (const [id, { at }] of this.unrecorded) if (now - at > REMEMBER_ENDED_MS) this.unrecorded.delete(id);
  }

  /** An API node connected: it hears the ends nobody has written down yet. */
  linkOpened(link: Link) {
    this.links.add(link);
    for (const [callId, { event }] of this.unrecorded) link.sendEvent(callId, [], event);
  }

  endRecorded(callId: string) {
    this.unrecorded.delete(callId);
  }

  /** An API node went away: the peers it hosted are gone too. */
  linkClosed(link: Link) {
    this.links.delete(link);
    for (const room of [...this.rooms.values()]) {
      for (const peer of [...room.peers.values()]) if (peer.link === link) room.leave(peer, "disconnected");
    }
  }

  nodeInfo(): NodeInfo {
    let peers = 0;
    let consumers = 0;
    for (const room of this.rooms.values()) {
      peers += room.peers.size;
      for (const peer of room.peers.values()) consumers += peer.consumers.size;
    }
    return {
      nodeId: this.config.SFU_NODE_ID,
      instanceId: this.instanceId,
      workers: this.pool.size,
      calls: this.rooms.size,
      peers,
      consumers,
    };
  }

  closeAll(reason: "shutdown") {
    for (const room of [...this.rooms.values()]) room.close(reason);
  }
}
