// A real WebSocket client of the chat protocol, for tests: sends requests, awaits their replies, and
// records every server frame in arrival order.
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { createSession } from "../../src/accounts/sessions.js";
import type { Db } from "../../src/lib/prisma.js";
import { SESSION_COOKIE } from "../../src/middleware/session/index.js";
import type { ChannelEvent } from "../../src/realtime/channel-events.js";
import type { ClientRequestType, RequestResults, ServerFrame } from "../../src/realtime/protocol.js";

type Reply = Extract<ServerFrame, { type: "reply" }>;

export class TestSocket {
  readonly frames: ServerFrame[] = [];
  private readonly waiting = new Map<string, (reply: Reply) => void>();
  closeCode: number | null = null;
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      this.frames.push(frame);
      if (frame.type === "reply") this.waiting.get(frame.id)?.(frame);
    });
    this.closed = new Promise((resolve) =>
      ws.on("close", (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
  }

  static async connect(baseUrl: string, token: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/ws`, {
      headers: { cookie: `${SESSION_COOKIE}=${token}`, ...headers },
    });
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once("error", reject);
    });
    return socket;
  }

  async request<T extends ClientRequestType>(type: T, payload: Record<string, unknown> = {}, timeoutMs = 15_000) {
    const id = randomUUID();
    const reply = new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${type} in ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(r);
      });
    });
    this.ws.send(JSON.stringify({ id, type, ...payload }));
    return reply as Promise<Extract<Reply, { ok: false }> | { ok: true; result: RequestResults[T] }>;
  }

  /** Like request(), but fails the test on an error reply. */
  async ok<T extends ClientRequestType>(type: T, payload: Record<string, unknown> = {}): Promise<RequestResults[T]> {
    const reply = await this.request(type, payload);
    if (!reply.ok) throw new Error(`${type} failed: ${JSON.stringify(reply.error)}`);
    return reply.result;
  }

  /** Like ok(), but retries what a real client retries (the same frame, so the same clientId): a refusal
   * with `log_unavailable`, after its retryAfterMs — a loaded machine's Kafka may take longer than the
   * send timeout. Anything else fails the test. */
  async okRetrying<T extends ClientRequestType>(type: T, payload: Record<string, unknown> = {}, tries = 5) {
    for (let attempt = 1; ; attempt++) {
      // A generous reply wait: a send answers within KAFKA_SEND_TIMEOUT_MS plus queueing, which a loaded
      // machine stretched past 15 s.
      const reply = await this.request(type, payload, 45_000);
      if (reply.ok) return reply.result;
      const error = reply.error as { code?: string; retryAfterMs?: number };
      if (error.code !== "log_unavailable" || attempt >= tries) {
        throw new Error(`${type} failed (try ${attempt}): ${JSON.stringify(reply.error)}`);
      }
      await new Promise((r) => setTimeout(r, error.retryAfterMs ?? 500));
    }
  }

  events(channelId?: string): ChannelEvent[] {
    return this.frames
      .filter((f): f is Extract<ServerFrame, { type: "channelEvent" }> => f.type === "channelEvent")
      .map((f) => f.event)
      .filter((e) => !channelId || e.channelId === channelId);
  }

  close() {
    this.ws.close();
  }
}

export async function sessionToken(db: Db, userId: string) {
  return (await createSession(db, userId, 1)).token;
}

export async function waitFor(check: () => boolean, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
