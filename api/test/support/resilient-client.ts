// A chat client that behaves like the web client when its node goes away: on any close it reconnects
// (with a little jitter) to the same address — a load balancer picks the node — or, given several
// addresses, to the next one once a try fails (a client with a list of nodes), and resumes its channel
// from the last seq it saw; a send is retried with the same clientId until it is accepted. It records what
// a test needs to judge a restart: every close and how long until it was resumed again, every delivery
// with its arrival time, and any event that arrived twice (seq not above the last) or left a gap.
import WebSocket from "ws";
import type { ChannelEvent } from "../../src/realtime/channel-events.js";

interface Reply {
  ok: boolean;
  result?: Record<string, unknown>;
  /**
   * The server's error code, or `closed` (the socket went away before the reply) / `no_reply` /
   * `not_open` (not sent: the socket was closing).
   */
  code?: string;
  retryAfterMs?: number;
}

/** One try of a send: when it started, how long until its verdict, and which (`ok` or the error code). */
export interface SendAttempt {
  startedAt: number;
  ms: number;
  code: string;
}

export interface Outage {
  code: number;
  closedAt: number;
  /** Upgrades tried (refused or failed ones included) until one opened, and when it did. */
  tries: number;
  /** Why the last failed try failed. */
  lastError?: string;
  openedAt?: number;
  /** When the next socket had resumed (undefined while still away). */
  backAt?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ResilientClient {
  private ws: WebSocket | null = null;
  private live = false;
  private running = true;
  private nextId = 0;
  private readonly pending = new Map<string, (reply: Reply) => void>();
  private waiters: (() => void)[] = [];
  /** Last seq seen in the channel; null before the first resume. */
  last: number | null = null;
  readonly outages: Outage[] = [];
  /** clientId → when it first arrived here. */
  readonly delivered = new Map<string, number>();
  /** Events that came again (seq ≤ last) or after a gap: a correct resume has neither. */
  repeated = 0;
  skipped = 0;
  /** Sockets opened so far (1 + reconnects that got through). */
  sockets = 0;
  /** Every try of every send, in order. */
  readonly attempts: SendAttempt[] = [];
  private readonly urls: string[];
  private urlIndex = 0;

  constructor(
    readonly name: string,
    url: string | string[],
    private readonly token: string,
    readonly channelId: string,
    /** Upper bound of the random wait before a reconnect, as a real client spreads its retries. */
    private readonly jitterMs = 250,
  ) {
    this.urls = Array.isArray(url) ? url : [url];
  }

  /** The address the next socket opens to. */
  get url(): string {
    return this.urls[this.urlIndex % this.urls.length] as string;
  }

  /** Connects and resumes once; later reconnects happen by themselves until stop(). */
  async start() {
    void this.connectLoop();
    await this.whenLive();
  }

  stop() {
    this.running = false;
    this.ws?.terminate();
  }

  /** Sends until the server accepts (or calls it a duplicate of an accepted one); returns when it did. */
  async send(clientId: string, body: string): Promise<number> {
    for (;;) {
      if (!this.running) throw new Error(`${this.name} stopped before ${clientId} was accepted`);
      await this.whenLive();
      const startedAt = performance.now();
      const reply = await this.request("sendMessage", { channelId: this.channelId, clientId, body }, 15_000);
      if (reply.code === "not_open") {
        // Closing, and the reconnect loop has not heard yet: wait for the next socket, not spin on this one.
        this.live = false;
        continue;
      }
      this.attempts.push({ startedAt, ms: performance.now() - startedAt, code: reply.ok ? "ok" : (reply.code ?? "?") });
      if (reply.ok) return performance.now();
      if (reply.code === "closed") continue;
      if (reply.code === "no_reply") this.ws?.terminate();
      await sleep(reply.retryAfterMs ?? 200);
    }
  }

  private whenLive(): Promise<void> {
    if (this.live) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async connectLoop() {
    while (this.running) {
      const outage = this.outages.at(-1);
      if (outage && outage.openedAt === undefined) outage.tries++;
      const ws = await this.open().catch((error: Error) => {
        if (outage) outage.lastError = error.message;
        this.urlIndex++;
        return null;
      });
      if (outage && ws && outage.openedAt === undefined) outage.openedAt = performance.now();
      if (!ws) {
        await sleep(100);
        continue;
      }
      const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
      if (await this.resume()) {
        if (outage && outage.backAt === undefined) outage.backAt = performance.now();
        this.live = true;
        for (const wake of this.waiters.splice(0)) wake();
      } else ws.terminate();
      const code = await closed;
      this.live = false;
      if (!this.running) return;
      const last = this.outages.at(-1);
      if (!last || last.backAt !== undefined) this.outages.push({ code, closedAt: performance.now(), tries: 0 });
      await sleep(Math.random() * this.jitterMs);
    }
  }

  private open(): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.url.replace(/^http/, "ws")}/ws`, {
        headers: { authorization: `Bearer ${this.token}` },
        handshakeTimeout: 5000,
      });
      ws.on("error", () => {});
      ws.once("unexpected-response", (_req, res) => {
        ws.terminate();
        reject(new Error(`upgrade refused: ${res.statusCode}`));
      });
      ws.once("close", () => reject(new Error("closed while opening")));
      ws.once("open", () => {
        this.ws = ws;
        this.sockets++;
        ws.on("message", (data) => this.onFrame(String(data)));
        ws.on("close", () => {
          for (const answer of [...this.pending.values()]) answer({ ok: false, code: "closed" });
          this.pending.clear();
        });
        resolve(ws);
      });
    });
  }

  private async resume(): Promise<boolean> {
    const positions = this.last === null ? {} : { [this.channelId]: this.last };
    const reply = await this.request("resume", { positions }, 15_000);
    if (!reply.ok) return false;
    if (this.last === null) {
      const channels = (reply.result?.channels ?? []) as { channelId: string; toSeq: number }[];
      this.last = channels.find((c) => c.channelId === this.channelId)?.toSeq ?? 0;
    }
    return true;
  }

  private onFrame(data: string) {
    const frame = JSON.parse(data) as {
      type: string;
      id?: string;
      ok?: boolean;
      result?: Record<string, unknown>;
      error?: { code: string; details?: { retryAfterMs?: number } };
      event?: ChannelEvent;
    };
    if (frame.type === "reply" && frame.id) {
      const retryAfterMs = frame.error?.details?.retryAfterMs;
      this.pending.get(frame.id)?.({
        ok: frame.ok === true,
        ...(frame.result ? { result: frame.result } : {}),
        ...(frame.error ? { code: frame.error.code } : {}),
        ...(typeof retryAfterMs === "number" ? { retryAfterMs } : {}),
      });
      return;
    }
    const event = frame.type === "channelEvent" ? frame.event : undefined;
    if (!event || event.channelId !== this.channelId || this.last === null) return;
    if (event.seq <= this.last) {
      this.repeated++;
      return;
    }
    if (event.seq > this.last + 1) this.skipped += event.seq - this.last - 1;
    this.last = event.seq;
    if (event.type === "messageCreated" && !this.delivered.has(event.data.clientId))
      this.delivered.set(event.data.clientId, performance.now());
  }

  private request(type: string, payload: Record<string, unknown>, timeoutMs: number): Promise<Reply> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.resolve({ ok: false, code: "not_open" });
    const id = `r${this.nextId++}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, code: "no_reply" });
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(reply);
      });
      ws.send(JSON.stringify({ id, type, ...payload }));
    });
  }
}
