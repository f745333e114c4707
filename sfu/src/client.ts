// The API node's end of the internal channel (also what the SFU's own tests drive). One instance is one
// WebSocket to one SFU process; it does not reconnect by itself: its owner decides what a lost SFU means.
import { EventEmitter } from "node:events";
import WebSocket from "ws";
import {
  type RequestData,
  SFU_PATH,
  SFU_PROTOCOL_VERSION,
  type SfuErrorBody,
  type SfuEventFrame,
  type SfuFrame,
  type SfuMethod,
  type SfuResults,
  type SfuRosterFrame,
} from "./protocol.js";

export type SfuClientOptions = {
  /** ws://host:port of the SFU (the path is added). */
  url: string;
  secret: string;
  /** Shown in the SFU's logs. */
  nodeId?: string;
  requestTimeoutMs?: number;
  /** A ping this often; no answer within twice this means the SFU is gone. */
  keepaliveMs?: number;
  /**
   * Attaches listeners before the first frame is read: the SFU may send events the moment a node
   * connects (ends nobody has written down yet), and they must not be missed.
   */
  listen?(client: SfuClient): void;
};

/** A request the SFU refused (`code` from its errors), or `sfu_unavailable` when it could not be asked. */
export class SfuRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type Target = { callId?: string; peerId?: string };
type Pending = { resolve: (data: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

export class SfuClient extends EventEmitter<{
  event: [SfuEventFrame];
  roster: [SfuRosterFrame];
  close: [reason: string];
}> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private lastSeen = Date.now();
  private keepalive?: NodeJS.Timeout;
  private closeReason?: string;

  private constructor(
    private readonly ws: WebSocket,
    readonly url: string,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  static connect(options: SfuClientOptions): Promise<SfuClient> {
    const url = `${options.url.replace(/\/+$/, "").replace(/\/sfu$/, "")}${SFU_PATH}`;
    const ws = new WebSocket(url, {
      headers: {
        authorization: `Bearer ${options.secret}`,
        "x-parley-sfu-protocol": SFU_PROTOCOL_VERSION,
        ...(options.nodeId ? { "x-parley-node": options.nodeId } : {}),
      },
      handshakeTimeout: 5000,
    });
    return new Promise((resolve, reject) => {
      ws.once("unexpected-response", (_req, res) => {
        const why =
          res.statusCode === 401
            ? "it refused SFU_SECRET (set the same SFU_SECRET on the API and the SFU)"
            : res.statusCode === 409
              ? "it speaks another protocol version (deploy the API and the SFU from the same release)"
              : `HTTP ${res.statusCode}`;
        ws.terminate();
        reject(new Error(`could not connect to the SFU at ${url}: ${why}`));
      });
      ws.once("error", (err) => reject(new Error(`could not connect to the SFU at ${url}: ${err.message}`)));
      ws.once("open", () => {
        const client = new SfuClient(ws, url, options.requestTimeoutMs ?? 10_000);
        options.listen?.(client);
        client.start(options.keepaliveMs ?? 2000);
        resolve(client);
      });
    });
  }

  private start(keepaliveMs: number) {
    this.ws.removeAllListeners("error");
    this.ws.on("error", () => {}); // "close" follows and says the rest
    this.ws.on("message", (raw) => {
      this.lastSeen = Date.now();
      this.onFrame(JSON.parse(String(raw)) as SfuFrame);
    });
    this.ws.on("pong", () => {
      this.lastSeen = Date.now();
    });
    this.ws.on("close", (code, reason) => this.closed(`closed (${code}${reason.length ? ` ${reason}` : ""})`));
    this.keepalive = setInterval(() => {
      if (Date.now() - this.lastSeen > 2 * keepaliveMs) {
        this.ws.terminate();
        this.closed("the SFU stopped answering pings");
      } else this.ws.ping();
    }, keepaliveMs);
    this.keepalive.unref();
  }

  get isOpen() {
    return this.closeReason === undefined && this.ws.readyState === WebSocket.OPEN;
  }

  private onFrame(frame: SfuFrame) {
    if (frame.type === "event") {
      this.emit("event", frame);
      return;
    }
    if (frame.type === "roster") {
      this.emit("roster", frame);
      return;
    }
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    this.pending.delete(frame.id);
    clearTimeout(pending.timer);
    if (frame.ok) pending.resolve(frame.data);
    else pending.reject(toError(frame.error));
  }

  /** Sends one request; resolves with its result or rejects with SfuRequestError. */
  request<M extends SfuMethod>(method: M, target: Target, data: RequestData<M>): Promise<SfuResults[M]> {
    if (!this.isOpen) {
      return Promise.reject(new SfuRequestError("sfu_unavailable", `The SFU at ${this.url} is not connected.`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SfuRequestError("sfu_unavailable", `The SFU did not answer ${method} within ${this.timeoutMs} ms.`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as (data: unknown) => void, reject, timer });
      this.ws.send(JSON.stringify({ type: "request", id, method, ...target, data }));
    });
  }

  private closed(reason: string) {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    clearInterval(this.keepalive);
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new SfuRequestError("sfu_unavailable", `The SFU connection ${reason}.`));
      this.pending.delete(id);
    }
    this.emit("close", reason);
  }

  close() {
    this.ws.close(1000, "bye");
    this.closed("closed by this node");
  }

  /** Drops the connection without a closing handshake, as a crashed node would (tests use this). */
  kill() {
    this.ws.terminate();
    this.closed("killed");
  }
}

function toError(body: SfuErrorBody) {
  return new SfuRequestError(body.code, body.message, body.details);
}
