// Calls on this API node: who may do what (channel members join, workspace admins end and remove), the
// sockets that are in a call here, and the forwarding of their requests to the SFU hosting the call. The
// SFU owns the call's state; this node only remembers which of its sockets is in which call, and keeps
// the channel's view right (callStarted/callEnded in its log, the roster to its members).
import { randomUUID } from "node:crypto";
import type { PeerMethod, RequestData, SfuEventFrame, SfuResults, SfuRosterFrame } from "sfu/protocol";
import { checkIsMember } from "../channels/access.js";
import { AppError, forbidden } from "../errors.js";
import { isWorkspaceAdmin } from "../messages/checks.js";
import type { AccessChange } from "../realtime/control.js";
import { emitChannelEvents } from "../realtime/emit.js";
import { publishEphemeral } from "../realtime/ephemeral.js";
import type { SocketContext } from "../realtime/handlers.js";
import type { CallJoined, CallsAvailability, LiveCall, ServerFrame } from "../realtime/protocol.js";
import type { Services } from "../services.js";
import { checkStillMember, memberChannelIds } from "./access.js";
import {
  type CallRecord,
  claimCall,
  findCall,
  findCalls,
  forgetCall,
  noteParticipant,
  swapInstance,
} from "./directory.js";
import { type CallEnded, endCallsOf, recordSfuEnd } from "./ends.js";
import { callEventId } from "./event-ids.js";
import { LocalPeers } from "./local-peers.js";
import { asked, codeOf, toAppError } from "./sfu-errors.js";
import { SfuNodes } from "./sfu-nodes.js";

type Forwarded = Exclude<PeerMethod, "join" | "leave">;
export type LeaveReason = "left" | "disconnected" | "removed";

export type CallServiceHooks = {
  /** Sends a frame to every socket of this node (calls becoming available or not). */
  broadcast(frame: ServerFrame): void;
};

export class CallService {
  private readonly peers = new LocalPeers();
  private readonly nodes: SfuNodes;
  /** SFU processes already known to be gone (their calls ended once). */
  private readonly gone = new Set<string>();

  constructor(
    private readonly services: Services,
    hooks: CallServiceHooks,
  ) {
    const { SFU_URLS, SFU_SECRET, NODE_ID } = services.config;
    if (SFU_URLS.length > 0 && !SFU_SECRET) {
      throw new Error(
        "SFU_URLS is set but SFU_SECRET is not: set the SFU's SFU_SECRET on the API too (see .env.example)",
      );
    }
    this.nodes = new SfuNodes({
      urls: SFU_URLS,
      secret: SFU_SECRET ?? "",
      nodeId: NODE_ID,
      logger: services.logger,
      onEvent: (url, frame) => this.onSfuEvent(url, frame),
      onRoster: (frame) => this.onRoster(frame),
      onConnected: (url, instanceId) => this.onConnected(url, instanceId),
      onDropped: (url) => this.onDropped(url),
      onGone: (_url, instanceId) => this.onGone(instanceId),
      onAvailability: (state) => hooks.broadcast({ type: "callsAvailability", state }),
    });
  }

  /** Connects to the SFUs in the background (calls turn on when one answers). */
  start() {
    this.nodes.start();
  }

  status(): { state: CallsAvailability } {
    return { state: this.nodes.availability };
  }

  /** ctx.user is the user as this frame found them (the socket re-reads it for every frame). */
  private checkAdmin(ctx: SocketContext, what: string) {
    if (!isWorkspaceAdmin(ctx.user)) throw forbidden(`Only workspace admins can ${what}.`, "not_admin");
  }

  /** The SFUs as the admin's live operations show them. */
  sfuStatus() {
    return this.nodes.infos();
  }

  private checkEnabled() {
    if (this.services.config.SFU_URLS.length === 0) {
      throw new AppError(503, "calls_unavailable", "Calls are off on this server (no SFU_URLS configured).");
    }
  }

  /** Joins the channel's call; with `start`, starts one when none runs. A socket is in one call at most. */
  async join(ctx: SocketContext, channelId: string, start: boolean): Promise<CallJoined> {
    this.checkEnabled();
    const { db, kv } = this.services;
    await checkIsMember(db, ctx.user, channelId);
    await this.leave(ctx.connectionId, "left");
    for (let attempt = 0; ; attempt++) {
      let record = await findCall(kv, channelId);
      let created = false;
      if (!record) {
        if (!start) throw new AppError(404, "no_call", "No call is running in this channel; start one.");
        const sfu = await this.nodes.pick();
        const draft: CallRecord = {
          callId: randomUUID(),
          channelId,
          sfuUrl: sfu.url,
          sfuInstance: sfu.instanceId,
          startedBy: ctx.user.id,
          startedAt: new Date().toISOString(),
        };
        ({ record, created } = await claimCall(kv, draft));
      }
      const peerId = ctx.connectionId;
      try {
        const client = await this.nodes.client(record.sfuUrl);
        const joined = await client.request(
          "join",
          { callId: record.callId, peerId },
          {
            userId: ctx.user.id,
            displayName: ctx.user.displayName,
            instanceId: record.sfuInstance,
            channelId,
          },
        );
        this.peers.add({ peerId, userId: ctx.user.id, sessionId: ctx.sessionId, record, send: ctx.send });
        await noteParticipant(kv, record.callId, ctx.user.id);
        if (created) {
          await emitChannelEvents(this.services.log, [
            {
              eventId: callEventId(record.callId, "started"),
              type: "callStarted",
              channelId,
              actorId: ctx.user.id,
              data: { callId: record.callId },
            },
          ]);
        }
        return { ...joined, callId: record.callId, channelId, peerId, started: created };
      } catch (error) {
        // The directory named a call that ended meanwhile, or one on an SFU process that is gone: forget
        // it, and start afresh (once) when starting is what was asked.
        const code = codeOf(error);
        if (code !== "call_ended" && code !== "sfu_unavailable") throw toAppError(error);
        const now = this.nodes.instanceAt(record.sfuUrl);
        if (now && now !== record.sfuInstance) await this.onGone(record.sfuInstance);
        else await forgetCall(kv, record);
        if (attempt > 0 || !start) throw toAppError(error);
      }
    }
  }

  /** Takes the socket's participant out of its call; `reason` is what the others are told. */
  async leave(connectionId: string, reason: LeaveReason): Promise<{ left: boolean }> {
    const peer = this.peers.take(connectionId);
    if (!peer) return { left: false };
    try {
      await (await this.nodes.client(peer.record.sfuUrl)).request(
        "leave",
        { callId: peer.record.callId, peerId: peer.peerId },
        { reason },
      );
    } catch (error) {
      // The SFU is gone, and the peer with it.
      this.services.logger.warn({ err: error, callId: peer.record.callId }, "leave did not reach the SFU");
    }
    // Its socket is still open (the SFU's word on it no longer reaches it here): the client hears why.
    if (reason === "removed")
      this.peers.tell(peer, { type: "peerLeft", peerId: peer.peerId, userId: peer.userId, reason });
    return { left: true };
  }

  /** A media or presence request of a socket in a call, passed to the SFU as that socket's peer. */
  async forward<M extends Forwarded>(ctx: SocketContext, method: M, data: RequestData<M>): Promise<SfuResults[M]> {
    const peer = this.peers.get(ctx.connectionId);
    if (!peer) throw new AppError(409, "not_in_call", "Join a call first (call.join or call.start).");
    if (method === "produce" || method === "consume") {
      // Sending or receiving more media: the membership as it is now, not as it was at the join.
      await checkStillMember(this.services.sql, peer.userId, peer.record.channelId).catch(async (error) => {
        await this.leave(ctx.connectionId, "removed");
        throw error;
      });
    }
    return asked(async () =>
      (await this.nodes.client(peer.record.sfuUrl)).request(
        method,
        { callId: peer.record.callId, peerId: peer.peerId },
        data,
      ),
    );
  }

  /** The running calls of the user's channels. */
  async list(ctx: SocketContext): Promise<{ calls: LiveCall[] }> {
    const channelIds = await memberChannelIds(this.services.sql, ctx.user.id);
    const records = await findCalls(this.services.kv, channelIds);
    return {
      calls: records.map(({ channelId, callId, startedAt, startedBy }) => ({
        channelId,
        callId,
        startedAt,
        startedBy,
      })),
    };
  }

  async participants(ctx: SocketContext, channelId: string) {
    this.checkEnabled();
    await checkIsMember(this.services.db, ctx.user, channelId);
    const record = await findCall(this.services.kv, channelId);
    if (!record) return { callId: null, peers: [] };
    const { peers } = await asked(async () =>
      (await this.nodes.client(record.sfuUrl)).request("getParticipants", { callId: record.callId }, {}),
    );
    // A call has people in it; with none it has just ended, and its end is being written.
    return peers.length === 0 ? { callId: null, peers } : { callId: record.callId, peers };
  }

  async end(ctx: SocketContext, channelId: string): Promise<{ ended: boolean }> {
    this.checkEnabled();
    this.checkAdmin(ctx, "end a call");
    const record = await findCall(this.services.kv, channelId);
    if (!record) return { ended: false };
    return asked(async () =>
      (await this.nodes.client(record.sfuUrl)).request("endCall", { callId: record.callId }, { reason: "ended" }),
    );
  }

  async removeParticipant(ctx: SocketContext, channelId: string, userId: string): Promise<{ removed: number }> {
    this.checkEnabled();
    this.checkAdmin(ctx, "remove someone from a call");
    const record = await findCall(this.services.kv, channelId);
    if (!record) return { removed: 0 };
    const { removed } = await asked(async () =>
      (await this.nodes.client(record.sfuUrl)).request("removeUser", { callId: record.callId }, { userId }),
    );
    return { removed: removed.length };
  }

  /** The socket's access changed (hub.onAccessChanged): lost the call's channel or its session, it leaves. */
  async accessChanged(connectionId: string, change: AccessChange) {
    const peer = this.peers.get(connectionId);
    if (!peer) return;
    const lost =
      change.kind === "session" || (change.kind === "channels" && change.left.includes(peer.record.channelId));
    if (lost) await this.leave(connectionId, "removed");
  }

  private onSfuEvent(url: string, frame: SfuEventFrame) {
    this.peers.deliver(frame);
    if (frame.event.type === "callEnded") void this.recordEnd(url, frame.callId, frame.event);
  }

  /** Every API node hears that a call ended; each writes it (stored once) and tells the SFU it is done. */
  private async recordEnd(url: string, callId: string, event: CallEnded) {
    try {
      await recordSfuEnd(this.services, callId, event);
      await (await this.nodes.client(url)).request("endRecorded", { callId }, {});
    } catch (err) {
      // The SFU offers it again to the next node that connects.
      this.services.logger.error({ err, callId }, "could not record a call's end");
    }
  }

  private onRoster({ callId, channelId, peers }: SfuRosterFrame) {
    publishEphemeral(this.services.bus, [channelId], {
      type: "callRoster",
      channelId,
      callId,
      participants: peers,
    }).catch((err) => this.services.logger.warn({ err, callId }, "could not announce a call's roster"));
  }

  private async onConnected(url: string, instanceId: string) {
    // Another process at this address since a node last looked: the one before is gone, with its calls.
    const before = await swapInstance(this.services.kv, url, instanceId);
    if (before) await this.onGone(before);
  }

  /** The SFU dropped this node (it lives on): its sockets here are out of their calls, and are told so. */
  private onDropped(url: string) {
    for (const peer of this.peers.takeWhere((p) => p.record.sfuUrl === url)) {
      this.peers.tell(peer, { type: "peerLeft", peerId: peer.peerId, userId: peer.userId, reason: "disconnected" });
    }
  }

  /** SFU process `instanceId` is gone: its calls end, in their channels and for this node's participants. */
  private async onGone(instanceId: string) {
    if (this.gone.has(instanceId)) return;
    this.gone.add(instanceId);
    let ended = new Map<string, CallEnded>();
    try {
      ended = await endCallsOf(this.services, instanceId);
    } catch (err) {
      this.services.logger.error({ err, instanceId }, "could not end the calls of a lost SFU");
    }
    for (const peer of this.peers.takeWhere((p) => p.record.sfuInstance === instanceId)) {
      const { record } = peer;
      const event: CallEnded = ended.get(record.callId) ?? {
        type: "callEnded",
        reason: "sfuLost",
        durationMs: Date.now() - Date.parse(record.startedAt),
        joinedUsers: 0,
        channelId: record.channelId,
        startedBy: record.startedBy,
      };
      this.peers.tell(peer, event);
    }
  }

  /** A socket closed: its participant leaves at once (it did not choose to: `disconnected`). */
  async connectionClosed(connectionId: string) {
    await this.leave(connectionId, "disconnected");
  }

  async close() {
    await Promise.all(this.peers.ids().map((id) => this.leave(id, "disconnected")));
    this.nodes.close();
  }
}
