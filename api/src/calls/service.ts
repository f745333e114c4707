// Calls on this API node: who may do what (channel members join, workspace admins end and remove), the
// sockets that are in a call here, and the forwarding of their requests to the SFU hosting the call. The
// SFU owns the call's state; this node only remembers which of its sockets is in which call.
import { randomUUID } from "node:crypto";
import { SfuRequestError } from "sfu/client";
import type { CallEvent, PeerMethod, RequestData, SfuEventFrame, SfuResults } from "sfu/protocol";
import { checkIsMember } from "../channels/access.js";
import { AppError, forbidden } from "../errors.js";
import { isWorkspaceAdmin } from "../messages/checks.js";
import { emitChannelEvents } from "../realtime/emit.js";
import type { SocketContext } from "../realtime/handlers.js";
import type { CallJoined, ServerFrame } from "../realtime/protocol.js";
import type { Services } from "../services.js";
import { type CallRecord, claimCall, claimEnd, findCall, findCallById, forgetCall } from "./directory.js";
import { SfuNodes } from "./sfu-nodes.js";

type LocalPeer = { peerId: string; userId: string; record: CallRecord; send(frame: ServerFrame): void };
type Forwarded = Exclude<PeerMethod, "join" | "leave">;

// The SFU's error codes pass through to the client with a fitting HTTP-like status.
const statusOf: Record<string, 400 | 404 | 409 | 410 | 429 | 502 | 503> = {
  bad_request: 400,
  cannot_consume: 400,
  bitrate_limit: 400,
  not_found: 404,
  not_joined: 409,
  already_joined: 409,
  call_full: 409,
  too_many_producers: 409,
  call_ended: 410,
  too_many_transports: 429,
  sfu_unavailable: 503,
};

function toAppError(error: unknown): unknown {
  if (!(error instanceof SfuRequestError)) return error;
  return new AppError(statusOf[error.code] ?? 502, error.code, error.message, error.details);
}

const sfuCode = (error: unknown) => (error instanceof SfuRequestError ? error.code : undefined);

export class CallService {
  /** This node's sockets in a call, by connection id (which is also the peer id at the SFU). */
  private readonly peers = new Map<string, LocalPeer>();
  private readonly nodes: SfuNodes;

  constructor(private readonly services: Services) {
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
      onEvent: (frame) => this.onSfuEvent(frame),
      onLost: (url) => this.onSfuLost(url),
    });
  }

  private checkEnabled() {
    if (this.services.config.SFU_URLS.length === 0) {
      throw new AppError(503, "calls_unavailable", "Calls are off on this server (no SFU_URLS configured).");
    }
  }

  private checkAdmin(ctx: SocketContext, what: string) {
    if (!isWorkspaceAdmin(ctx.user)) throw forbidden(`Only workspace admins can ${what}.`, "not_admin");
  }

  /** Joins the channel's call; with `start`, starts one when none runs. A socket is in one call at most. */
  async join(ctx: SocketContext, channelId: string, start: boolean): Promise<CallJoined> {
    this.checkEnabled();
    const { db, kv } = this.services;
    await checkIsMember(db, ctx.user, channelId);
    await this.leave(ctx.connectionId);
    for (let attempt = 0; ; attempt++) {
      let record = await findCall(kv, channelId);
      let created = false;
      if (!record) {
        if (!start) throw new AppError(404, "no_call", "No call is running in this channel; start one.");
        const draft = {
          callId: randomUUID(),
          channelId,
          sfuUrl: await this.nodes.pick(),
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
          { userId: ctx.user.id, displayName: ctx.user.displayName },
        );
        this.peers.set(peerId, { peerId, userId: ctx.user.id, record, send: ctx.send });
        if (created) {
          await emitChannelEvents(this.services.log, [
            { type: "callStarted", channelId, actorId: ctx.user.id, data: { callId: record.callId } },
          ]);
        }
        return { ...joined, callId: record.callId, channelId, peerId, started: created };
      } catch (error) {
        // The directory named a call that ended meanwhile, or an SFU that is gone: forget it, and start
        // afresh (once) when starting is what was asked.
        const code = sfuCode(error) ?? (error instanceof AppError ? error.code : undefined);
        if (code !== "call_ended" && code !== "sfu_unavailable") throw toAppError(error);
        await forgetCall(kv, record);
        if (attempt > 0 || (!start && code === "sfu_unavailable")) throw toAppError(error);
      }
    }
  }

  async leave(connectionId: string): Promise<{ left: boolean }> {
    const peer = this.peers.get(connectionId);
    if (!peer) return { left: false };
    this.peers.delete(connectionId);
    try {
      await (await this.nodes.client(peer.record.sfuUrl)).request(
        "leave",
        { callId: peer.record.callId, peerId: peer.peerId },
        {},
      );
    } catch (error) {
      // The SFU is gone, and the peer with it.
      this.services.logger.warn({ err: error, callId: peer.record.callId }, "leave did not reach the SFU");
    }
    return { left: true };
  }

  /** A media or presence request of a socket in a call, passed to the SFU as that socket's peer. */
  async forward<M extends Forwarded>(ctx: SocketContext, method: M, data: RequestData<M>): Promise<SfuResults[M]> {
    const peer = this.peers.get(ctx.connectionId);
    if (!peer) throw new AppError(409, "not_in_call", "Join a call first (call.join or call.start).");
    try {
      const client = await this.nodes.client(peer.record.sfuUrl);
      return await client.request(method, { callId: peer.record.callId, peerId: peer.peerId }, data);
    } catch (error) {
      throw toAppError(error);
    }
  }

  async participants(ctx: SocketContext, channelId: string) {
    this.checkEnabled();
    await checkIsMember(this.services.db, ctx.user, channelId);
    const record = await findCall(this.services.kv, channelId);
    if (!record) return { callId: null, peers: [] };
    const client = await this.nodes.client(record.sfuUrl);
    const { peers } = await client.request("getParticipants", { callId: record.callId }, {}).catch((e) => {
      throw toAppError(e);
    });
    return { callId: record.callId, peers };
  }

  async end(ctx: SocketContext, channelId: string): Promise<{ ended: boolean }> {
    this.checkEnabled();
    this.checkAdmin(ctx, "end a call");
    const record = await findCall(this.services.kv, channelId);
    if (!record) return { ended: false };
    const client = await this.nodes.client(record.sfuUrl);
    return client.request("endCall", { callId: record.callId }, { reason: "ended" }).catch((e) => {
      throw toAppError(e);
    });
  }

  async removeParticipant(ctx: SocketContext, channelId: string, userId: string): Promise<{ removed: number }> {
    this.checkEnabled();
    this.checkAdmin(ctx, "remove someone from a call");
    const record = await findCall(this.services.kv, channelId);
    if (!record) return { removed: 0 };
    const client = await this.nodes.client(record.sfuUrl);
    const { removed } = await client.request("removeUser", { callId: record.callId }, { userId }).catch((e) => {
      throw toAppError(e);
    });
    return { removed: removed.length };
  }

  private onSfuEvent({ callId, to, event }: SfuEventFrame) {
    for (const peerId of to) {
      const peer = this.peers.get(peerId);
      if (!peer || peer.record.callId !== callId) continue;
      peer.send({ type: "callEvent", callId, channelId: peer.record.channelId, event });
      if (event.type === "callEnded" || (event.type === "peerLeft" && event.peerId === peerId))
        this.peers.delete(peerId);
    }
    if (event.type === "callEnded") {
      this.recordEnd(callId, event).catch((err) =>
        this.services.logger.error({ err, callId }, "could not record a call's end"),
      );
    }
  }

  /** Every API node hears that a call ended; one of them writes it into the channel. */
  private async recordEnd(callId: string, event: Extract<CallEvent, { type: "callEnded" }>) {
    const { kv, log } = this.services;
    if (!(await claimEnd(kv, callId))) return;
    const record = await findCallById(kv, callId);
    if (!record) return;
    await forgetCall(kv, record);
    const { reason, durationMs, joinedUsers } = event;
    await emitChannelEvents(log, [
      {
        type: "callEnded",
        channelId: record.channelId,
        actorId: record.startedBy,
        data: { callId, reason, durationMs, joinedUsers },
      },
    ]);
  }

  /** The SFU dropped this node (or died): its sockets here are out of their calls, and are told so. */
  private onSfuLost(url: string) {
    for (const peer of [...this.peers.values()]) {
      if (peer.record.sfuUrl !== url) continue;
      this.peers.delete(peer.peerId);
      const event: CallEvent = { type: "peerLeft", peerId: peer.peerId, userId: peer.userId, reason: "disconnected" };
      peer.send({ type: "callEvent", callId: peer.record.callId, channelId: peer.record.channelId, event });
    }
  }

  /** A socket closed: its peer leaves its call at once. */
  async connectionClosed(connectionId: string) {
    await this.leave(connectionId);
  }

  async close() {
    await Promise.all([...this.peers.keys()].map((id) => this.leave(id)));
    await this.nodes.close();
  }
}
