// The one socket module of the web client and the admin dashboard: request/reply by id, typed by the API's
// protocol; reconnects with backoff and resumes from the last seq per channel (api/PROTOCOL.md). The
// dashboard's socket carries no channel events (`positions` left out): it is live at `hello`.
import type { ClientRequestType, ErrorBody, RequestOf, RequestResults, ServerFrame } from "api/client";

type Fields<T extends ClientRequestType> = Omit<RequestOf<T>, "id" | "type">;
export type EventFrame = Exclude<ServerFrame, { type: "reply" }>;

export class SocketError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface SocketOptions {
  /** The last seq seen per channel, sent as `resume` once per socket; left out, the socket does not resume
   * (no channel events flow on it) and is live as soon as the server says hello. */
  positions?(): Record<string, number>;
  onFrame(frame: EventFrame): void;
  /** After `resume` was answered: the socket is live. */
  onResumed(): void;
  onStatus(status: "connecting" | "online" | "offline"): void;
  /** After a drop: when the next attempt will be made (ms since epoch). */
  onRetry?(at: number): void;
  /** Close 4001 (signed out) or 4003 (banned): no reconnect. */
  onEnded(code: 4001 | 4003): void;
}

const RECONNECT = new Set([4000, 4008, 1001, 1005, 1006, 1011, 1012, 1013]);

export class ChatSocket {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private attempt = 0;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly waiting = new Map<string, { resolve(v: unknown): void; reject(e: Error): void }>();
  private live = false;

  constructor(private readonly options: SocketOptions) {}

  get isLive() {
    return this.live;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(1000);
    this.ws = null;
  }

  /** Tries again now instead of waiting out the backoff (the banner's "Try now"). */
  reconnectNow() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.timer);
    this.open();
  }

  /** Closes the current socket as if the network dropped it (reconnects). */
  drop() {
    this.ws?.close(4999);
  }

  request<T extends ClientRequestType>(type: T, fields: Fields<T>): Promise<RequestResults[T]> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || (!this.live && type !== "resume"))
      return Promise.reject(new SocketError("disconnected", "Not connected"));
    const id = `r${this.nextId++}`;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(JSON.stringify({ ...fields, id, type }));
    });
  }

  private open() {
    this.options.onStatus("connecting");
    const url = new URL("/ws", location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      // The constructor throws instead of closing when the browser refuses to even try (a blocked port,
      // a page frozen and thawed, an extension): retried like a dropped connection, not left "connecting".
      this.ws = null;
      this.options.onStatus("offline");
      this.retryLater();
      return;
    }
    this.ws = ws;
    ws.onmessage = (e) => this.receive(ws, JSON.parse(String(e.data)) as ServerFrame);
    ws.onclose = (e) => this.closed(ws, e.code);
  }

  private receive(ws: WebSocket, frame: ServerFrame) {
    if (frame.type === "reply") {
      const waiter = this.waiting.get(frame.id);
      this.waiting.delete(frame.id);
      if (!waiter) return;
      if (frame.ok) waiter.resolve(frame.result);
      else waiter.reject(errorOf(frame.error));
      return;
    }
    if (frame.type === "hello") {
      if (this.options.positions) void this.resume(ws, this.options.positions());
      else this.goLive();
      return;
    }
    this.options.onFrame(frame);
  }

  private async resume(ws: WebSocket, positions: Record<string, number>) {
    try {
      await this.request("resume", { positions });
      if (ws === this.ws) this.goLive();
    } catch {
      ws.close(4999);
    }
  }

  private goLive() {
    this.attempt = 0;
    this.live = true;
    this.options.onStatus("online");
    this.options.onResumed();
  }

  private closed(ws: WebSocket, code: number) {
    if (ws !== this.ws) return;
    this.ws = null;
    this.live = false;
    for (const waiter of this.waiting.values()) waiter.reject(new SocketError("disconnected", "The connection closed"));
    this.waiting.clear();
    if (this.stopped) return;
    if (code === 4001 || code === 4003) {
      this.options.onEnded(code);
      return;
    }
    this.options.onStatus("offline");
    if (!RECONNECT.has(code) && code !== 4999 && code >= 4000) return;
    this.retryLater();
  }

  /** Exponential backoff with jitter, capped at 15 s. */
  private retryLater() {
    clearTimeout(this.timer);
    const delay = Math.min(15_000, 300 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    this.options.onRetry?.(Date.now() + delay);
    this.timer = setTimeout(() => this.open(), delay);
  }
}

function errorOf(error: ErrorBody) {
  return new SocketError(error.code, error.message, error.details);
}
