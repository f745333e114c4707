// One socket: validates each frame, checks who is asking as they are now, answers every request exactly
// once, keeps one cursor per channel, heartbeats, and closes itself when the client falls behind or its
// session is revoked.
import { randomUUID } from "node:crypto";
import type { WebSocket } from "ws";
import { currentUser, isBanRefusal } from "../accounts/current-user.js";
import type { Authenticated, SessionUser } from "../accounts/sessions.js";
import { AppError } from "../errors.js";
import { slowConsumerCloses, socketFramesSent } from "../lib/metrics.js";
import { isStoreUnavailable } from "../lib/store-unavailable.js";
import { FrameBudget, framesPerSecond } from "../quotas/quotas.js";
import type { SocketClaim } from "../quotas/socket-counts.js";
import type { Services } from "../services.js";
import { ChannelCursor, storedPositions } from "./channel-cursor.js";
import type { UserControl } from "./control.js";
import { BINARY_FRAME_ERROR, frameError, parseFrame } from "./frames.js";
import type { FrameTurn, SocketContext } from "./handlers.js";
import type { ChannelDelivery, EphemeralDelivery, Hub } from "./hub.js";
import { gotEarlierCopy } from "./presence-copies.js";
import { CloseCode, MAX_FRAME_BYTES, MAX_MALFORMED_FRAMES, type ServerFrame } from "./protocol.js";
import { corkForTurn, flushNow } from "./turn-cork.js";

/** Every frame is text (JSON), also when handed over as bytes encoded once for all sockets. */
const TEXT = { binary: false } as const;

export class Connection {
  readonly id = randomUUID();
  private readonly cursors = new Map<string, ChannelCursor>();
  private resumed = false;
  private closed = false;
  private malformedFrames = 0;
  private alive = true;
  private heartbeat?: NodeJS.Timeout;
  /** Settles once every frame received so far has had its reply. */
  private queue: Promise<void> = Promise.resolve();
  /** Settles once the latest frame lets the next one start (onMessage). */
  private gate: Promise<void> = Promise.resolve();
  /** The user as the last frame found them (accounts/current-user.ts); handlers see it as ctx.user. */
  private user: SessionUser;
  private readonly frames: FrameBudget;
  readonly context: SocketContext;

  constructor(
    /** The raw ws socket; the upgrade's Hono context is not kept (gateway.ts). */
    private readonly ws: WebSocket,
    private readonly hub: Hub,
    private readonly services: Services,
    readonly auth: Authenticated,
    /** Its place in the socket quotas (quotas/socket-counts.ts), given back when it closes. */
    readonly claim?: SocketClaim,
  ) {
    this.frames = new FrameBudget(framesPerSecond(services.config));
    this.user = auth.user;
    const connection = this;
    this.context = {
      services,
      get user() {
        return connection.user;
      },
      sessionId: auth.session.id,
      connectionId: this.id,
      send: (frame) => this.send(frame),
      resume: (positions, memberOf) => this.resume(positions, memberOf),
      resumeChannel: (channelId, fromSeq) => this.resumeChannel(channelId, fromSeq),
      channels: () => new Set(this.cursors.keys()),
      isClosed: () => this.closed,
    };
  }

  get userId() {
    return this.auth.user.id;
  }

  async open() {
    this.send({
      type: "hello",
      connectionId: this.id,
      userId: this.userId,
      heartbeatMs: this.services.config.SOCKET_HEARTBEAT_MS,
      maxFrameBytes: MAX_FRAME_BYTES,
    });
    // Frames wait for the attach: a reply then comes from a socket the hub knows (its user's control
    // topic and presence are set up), so a client that has a reply knows its socket is fully open. When
    // the attach fails (the store out of reach, say), the socket closes before any frame runs; the client
    // reconnects and sends again (sends carry their clientId).
    const attached = this.hub.attach(this).then(
      () => true,
      (err: unknown) => {
        this.openFailed(err);
        return false;
      },
    );
    this.gate = attached.then(() => undefined);
    if (!(await attached)) return;
    const raw = this.ws;
    raw.on("pong", () => {
      this.alive = true;
    });
    this.heartbeat = setInterval(() => {
      if (this.closed) return; // closing: the close handshake (or its grace timer) ends it
      if (!this.alive) return raw.terminate();
      this.alive = false;
      raw.ping();
      void this.hub.heartbeat(this);
    }, this.services.config.SOCKET_HEARTBEAT_MS);
  }

  /** Logs why the socket could not be opened and closes it (the client connects again). */
  openFailed(err: unknown) {
    this.services.logger[isStoreUnavailable(err) ? "warn" : "error"]({ err }, "socket open failed");
    this.close(1011, "open failed: connect again"); // RFC 6455: the server hit an unexpected condition
  }

  /**
   * Frames take effect in the order the client sent them, and each gets its reply in that order. A frame
   * starts once the previous one is far enough along: a send as soon as its event is queued for the log
   * (it is then ordered before whatever comes next), anything else once it is done. So one socket's sends
   * are pipelined into the log instead of each waiting for the previous one's Kafka ack, while every
   * reply (accepted = durable) still waits for its own append and for every earlier reply.
   */
  onMessage(data: string) {
    const previous = this.queue;
    const ready = this.gate;
    let appending!: () => void;
    this.gate = new Promise<void>((resolve) => {
      appending = resolve;
    });
    this.queue = ready.then(() => this.handle(data, { appending, previous })).finally(appending);
  }

  private async handle(data: string, turn: FrameTurn) {
    // Every reply after the earlier frames' replies.
    const answer = async (frame: ServerFrame) => {
      await turn.previous;
      this.send(frame);
    };
    // Arrived after this side's close frame: no reply could reach the client, which sends it again elsewhere.
    if (this.closed) return turn.previous;
    const parsed = parseFrame(data);
    const budgetError = this.overBudget();
    if (budgetError) {
      const id = "request" in parsed ? parsed.request.id : parsed.id;
      return answer(id ? { type: "reply", id, ok: false, error: budgetError } : { type: "error", error: budgetError });
    }
    if ("error" in parsed) {
      if (parsed.malformed) this.noteMalformed();
      if (parsed.id) return answer({ type: "reply", id: parsed.id, ok: false, error: parsed.error });
      return answer({ type: "error", error: parsed.error });
    }
    const { request } = parsed;
    if (!(await this.checkAsking(request.id, turn.previous))) return turn.previous;
    const handler = this.hub.handlers[request.type] as
      | ((ctx: SocketContext, r: typeof request, turn: FrameTurn) => Promise<unknown>)
      | undefined;
    try {
      if (!handler) throw new AppError(400, "unknown_type", `No handler for ${request.type}.`);
      const result = await handler(this.context, request, turn);
      await answer({ type: "reply", id: request.id, ok: true, request: request.type, result } as ServerFrame);
    } catch (error) {
      if (!(error instanceof AppError))
        this.services.logger[isStoreUnavailable(error) ? "warn" : "error"](
          { err: error, type: request.type },
          "socket request failed",
        );
      await answer({ type: "reply", id: request.id, ok: false, error: frameError(error) });
    }
  }

  /** Frames over SOCKET_FRAMES_PER_SECOND are answered `rate_limited` and not run; the socket lives on. */
  private overBudget() {
    try {
      this.frames.check();
      return undefined;
    } catch (error) {
      return frameError(error);
    }
  }

  /** Re-reads the session and user; a refusal is the frame's reply (after the earlier ones), and the socket closes. */
  private async checkAsking(requestId: string, earlierReplies: Promise<void>): Promise<boolean> {
    try {
      this.user = await currentUser(this.services.sql, this.auth.session.id, this.userId);
      return true;
    } catch (error) {
      await earlierReplies;
      this.send({ type: "reply", id: requestId, ok: false, error: frameError(error) });
      // Not a refusal but the store out of reach: the frame was answered `unavailable` (retry); the
      // session may well be fine, so the socket stays open.
      if (!(error instanceof AppError)) {
        this.services.logger.warn({ err: error }, "could not re-read the asking user");
        return false;
      }
      const banned = isBanRefusal(error);
      await this.hub.accessChanged(this, { kind: "session", reason: banned ? "banned" : "signedOut" });
      this.close(banned ? CloseCode.banned : CloseCode.signedOut, banned ? "banned" : "session ended");
      return false;
    }
  }

  /** A binary frame: answered, and counted as malformed. */
  onBinaryFrame() {
    this.queue = this.queue.then(() => {
      this.noteMalformed();
      this.send({ type: "error", error: BINARY_FRAME_ERROR });
    });
  }

  private noteMalformed() {
    this.malformedFrames++;
    if (this.malformedFrames > MAX_MALFORMED_FRAMES) this.close(CloseCode.abuse, "too many malformed frames");
  }

  /** The first resume starts channel events on this socket; channels without a position start now. */
  async resume(positions: Record<string, number>, memberOf: Map<string, number>) {
    if (this.resumed)
      throw new AppError(409, "already_resumed", "This socket has already resumed; reconnect to resume again.");
    this.resumed = true;
    const out = [];
    for (const [channelId, lastSeq] of memberOf) {
      const from = Math.min(positions[channelId] ?? lastSeq, lastSeq);
      out.push({ channelId, fromSeq: from, ...(await this.resumeChannel(channelId, from)) });
    }
    return out;
  }

  async resumeChannel(channelId: string, fromSeq: number) {
    let cursor = this.cursors.get(channelId);
    if (!cursor) {
      cursor = new ChannelCursor(channelId, fromSeq, this.services.sql, {
        sendFrame: (frame) => this.sendRaw(frame),
        resync: (id, lastSeq) => this.send({ type: "resyncRequired", channelId: id, lastSeq }),
      });
      this.cursors.set(channelId, cursor);
      await this.hub.watchChannel(this, channelId);
    }
    const resync = await cursor.catchUp();
    return { toSeq: cursor.lastSeq, resync };
  }

  /** Channels whose stored position is past this socket's: read the rest from the store (Hub.catchUpAll). */
  catchUpBehind(stored: Map<string, number>) {
    for (const [channelId, cursor] of this.cursors) {
      if (cursor.lastSeq < (stored.get(channelId) ?? 0)) void cursor.catchUp();
    }
  }

  onChannelEvent({ event, frame }: ChannelDelivery) {
    this.cursors.get(event.channelId)?.onLive(event, frame);
  }

  async forgetChannel(channelId: string) {
    if (!this.cursors.delete(channelId)) return;
    await this.hub.unwatchChannel(this, channelId);
  }

  /** Typing (not back to its author) and presence (once per change: skipped if it came via another channel). */
  onEphemeral({ signal, frame, copy }: EphemeralDelivery) {
    if (!this.resumed) return;
    if (signal.type === "typing" && signal.userId === this.userId) return;
    if (copy && gotEarlierCopy(copy, this.cursors)) return;
    this.sendRaw(frame);
  }

  onControl(message: UserControl) {
    if (message.type === "membershipChanged") {
      void this.applyMembership(message.joined, message.left);
      if (message.left.length > 0) void this.hub.accessChanged(this, { kind: "channels", left: message.left });
      return;
    }
    if (message.type === "roleChanged") {
      this.user = { ...this.user, role: message.role };
      void this.hub.accessChanged(this, { kind: "role", role: message.role });
      return;
    }
    if (message.type === "readState" || message.type === "notification") {
      this.send(message);
      return;
    }
    if (message.type === "sessionsRevoked") {
      if (message.sessionIds && !message.sessionIds.includes(this.auth.session.id)) return;
      void this.hub.accessChanged(this, { kind: "session", reason: message.reason });
      this.close(message.reason === "banned" ? CloseCode.banned : CloseCode.signedOut, message.reason);
    }
  }

  private async applyMembership(joined: string[], left: string[]) {
    for (const channelId of left) await this.forgetChannel(channelId);
    if (this.resumed && joined.length > 0) {
      const positions = await storedPositions(this.services.sql, joined);
      // Events of a newly joined channel flow from its current position; its history comes over HTTP.
      for (const [id, lastSeq] of positions) await this.resumeChannel(id, lastSeq);
    }
    this.send({ type: "channelsChanged", joined, left });
  }

  send(frame: ServerFrame) {
    this.sendRaw(JSON.stringify(frame));
  }

  /** Sends a text frame; writes of one turn leave together (turn-cork.ts). */
  sendRaw(frame: string | Buffer) {
    if (this.closed) return;
    const max = this.services.config.SOCKET_MAX_BUFFERED_BYTES;
    // bufferedAmount counts this turn's corked bytes too: over the limit, write them out and look again.
    if (this.ws.bufferedAmount > max && (!flushNow(this.ws) || this.ws.bufferedAmount > max)) {
      // Nothing more is queued once closing, so memory stays bounded; ws itself cuts the socket off if
      // the client has not read up to the close frame within 30 s.
      slowConsumerCloses.inc();
      this.close(CloseCode.slowConsumer, "too far behind: reconnect and resume");
      return;
    }
    corkForTurn(this.ws);
    this.ws.send(frame, TEXT);
    socketFramesSent.inc();
  }

  get isClosed() {
    return this.closed;
  }

  /** Answers every frame received so far (those arriving meanwhile too), then closes (drain.ts). */
  async closeAfterPending(code: number, reason: string) {
    let pending: Promise<void>;
    do {
      pending = this.queue;
      await pending.catch(() => {});
    } while (pending !== this.queue && !this.closed);
    this.close(code, reason);
  }

  close(code: number, reason: string) {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
  }

  /** Called once the socket is closed, whoever closed it. */
  async onClosed() {
    this.closed = true;
    clearInterval(this.heartbeat);
    await this.hub.detach(this, [...this.cursors.keys()]);
    this.cursors.clear();
  }
}
