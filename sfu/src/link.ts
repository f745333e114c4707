// One connected API node. It answers that node's requests in order of arrival (each with its own id) and
// carries the call events for the peers it hosts. Pings keep it honest: a node that stops answering is
// dropped, and with it its peers, within SFU_LINK_TIMEOUT_MS.
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { Calls } from "./calls.js";
import { SfuError } from "./errors.js";
import type { Ctx } from "./media-requests.js";
import * as media from "./media-requests.js";
import * as presence from "./presence-requests.js";
import {
  type CallEvent,
  type CallRequest,
  type PeerRequest,
  requestSchemaByMethod,
  type SfuErrorBody,
  type SfuFrame,
  type SfuRequest,
  type SfuResults,
  type SfuRosterFrame,
  sfuRequestSchema,
} from "./protocol.js";

type Handled = Exclude<PeerRequest["method"], "join" | "leave">;
const peerHandlers: {
  [M in Handled]: (ctx: Ctx, data: Extract<PeerRequest, { method: M }>["data"]) => Promise<SfuResults[M]>;
} = {
  getRouterCapabilities: presence.getRouterCapabilities,
  setRtpCapabilities: media.setRtpCapabilities,
  createTransport: media.createTransport,
  connectTransport: media.connectTransport,
  produce: media.produce,
  closeProducer: media.closeProducer,
  consume: media.consume,
  resumeConsumer: media.resumeConsumer,
  pauseConsumer: media.pauseConsumer,
  setPreferredLayers: media.setPreferredLayers,
  setMuted: presence.setMuted,
  stopScreenShare: presence.stopScreenShare,
  raiseHand: presence.raiseHand,
  getStats: presence.getStats,
};

/** A node this far behind in reading is stuck; dropping it frees its peers' resources. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export class Link {
  private lastSeen = Date.now();
  private readonly keepalive: NodeJS.Timeout;

  constructor(
    readonly id: string,
    private readonly ws: WebSocket,
    private readonly calls: Calls,
    private readonly log: Logger,
  ) {
    const timeout = calls.config.SFU_LINK_TIMEOUT_MS;
    ws.on("pong", () => {
      this.lastSeen = Date.now();
    });
    ws.on("message", (raw) => {
      this.lastSeen = Date.now();
      void this.onMessage(String(raw));
    });
    ws.on("close", () => this.closed());
    ws.on("error", (err) => log.warn({ err, link: id }, "link error"));
    this.keepalive = setInterval(
      () => {
        if (Date.now() - this.lastSeen > timeout) {
          log.warn({ link: id, silentMs: Date.now() - this.lastSeen }, "API node stopped answering; dropping it");
          ws.terminate();
          this.closed();
          return;
        }
        ws.ping();
      },
      Math.max(250, Math.floor(timeout / 4)),
    );
    this.keepalive.unref();
    calls.linkOpened(this);
  }

  get isOpen() {
    return !this.closedOnce && this.ws.readyState === this.ws.OPEN;
  }

  private closedOnce = false;
  private closed() {
    if (this.closedOnce) return;
    this.closedOnce = true;
    clearInterval(this.keepalive);
    this.calls.linkClosed(this);
    this.log.info({ link: this.id }, "API node disconnected");
  }

  sendEvent(callId: string, to: string[], event: CallEvent) {
    this.send({ type: "event", callId, to, event });
  }

  sendRoster(frame: SfuRosterFrame) {
    this.send(frame);
  }

  private send(frame: SfuFrame) {
    if (this.closedOnce || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.error({ link: this.id, buffered: this.ws.bufferedAmount }, "API node is not reading; dropping it");
      this.ws.terminate();
      this.closed();
      return;
    }
    this.ws.send(JSON.stringify(frame));
  }

  private async onMessage(raw: string) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      this.log.warn({ link: this.id }, "frame is not JSON; ignored");
      return;
    }
    const method = (json as { method?: unknown })?.method;
    const schema = requestSchemaByMethod.get(typeof method === "string" ? method : "");
    const parsed = schema ? schema.safeParse(json) : sfuRequestSchema.safeParse(json);
    if (!parsed.success) {
      const id = (json as { id?: unknown })?.id;
      const issue = parsed.error.issues[0];
      if (typeof id === "number") {
        this.reply(id, {
          code: "bad_request",
          message: `Invalid request: ${issue?.path.join(".") || "frame"}: ${issue?.message ?? "invalid"}`,
        });
      } else this.log.warn({ link: this.id, issue }, "request without an id; ignored");
      return;
    }
    const req = parsed.data;
    try {
      this.reply(req.id, undefined, await this.handle(req));
    } catch (error) {
      this.reply(req.id, this.errorBody(error, req));
    }
  }

  private reply(id: number, error: SfuErrorBody | undefined, data?: unknown) {
    this.send(
      error ? { type: "response", id, ok: false, error } : { type: "response", id, ok: true, data: data ?? {} },
    );
  }

  private errorBody(error: unknown, req: SfuRequest): SfuErrorBody {
    if (error instanceof SfuError) return error.toBody();
    // mediasoup reports bad parameters (its own checks and the worker's) as TypeError.
    if (error instanceof Error && error.name === "TypeError") return { code: "bad_request", message: error.message };
    if (error instanceof Error && error.name === "InvalidStateError")
      return { code: "not_found", message: error.message };
    this.log.error({ err: error, link: this.id, method: req.method }, "request failed");
    return { code: "internal", message: "The SFU could not do that; try again." };
  }

  private async handle(req: SfuRequest): Promise<unknown> {
    if (req.method === "nodeInfo") return this.calls.nodeInfo();
    if (!("peerId" in req)) return this.handleCall(req);
    if (req.method === "join") {
      const { instanceId, channelId, userId } = req.data;
      const room = await this.calls.roomForJoin(req.callId, instanceId, { channelId, startedBy: userId });
      const peer = room.join(this, req.peerId, req.data.userId, req.data.displayName);
      const result: SfuResults["join"] = {
        routerRtpCapabilities: room.router.rtpCapabilities,
        peers: room.others(peer).map((p) => p.info()),
        self: peer.info(),
      };
      return result;
    }
    const room = this.calls.rooms.get(req.callId);
    const peer = room?.peers.get(req.peerId);
    if (!room || !peer || peer.link !== this) {
      if (req.method === "leave") return {};
      throw new SfuError("not_joined", "Join the call first.");
    }
    if (req.method === "leave") {
      room.leave(peer, req.data.reason);
      return {};
    }
    const handler = peerHandlers[req.method] as (ctx: Ctx, data: unknown) => Promise<unknown>;
    return handler({ room, peer }, req.data);
  }

  private async handleCall(req: CallRequest): Promise<unknown> {
    const room = this.calls.rooms.get(req.callId);
    switch (req.method) {
      case "getParticipants":
        return {
          peers: room ? [...room.peers.values()].map((p) => p.info()) : [],
        } satisfies SfuResults["getParticipants"];
      case "endCall":
        room?.close(req.data.reason);
        return { ended: room !== undefined } satisfies SfuResults["endCall"];
      case "removeUser": {
        const removed = room ? [...room.peers.values()].filter((p) => p.userId === req.data.userId) : [];
        for (const peer of removed) room?.leave(peer, "removed");
        return { removed: removed.map((p) => p.id) } satisfies SfuResults["removeUser"];
      }
      case "endRecorded":
        this.calls.endRecorded(req.callId);
        return {} satisfies SfuResults["endRecorded"];
    }
  }

  close() {
    this.ws.close(1001, "SFU shutting down");
  }
}
