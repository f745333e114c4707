// A load-generator process (forked by pool.ts): holds thousands of protocol clients, sends at a fixed
// open-loop rate, and checks every channel event it receives (gap-free, no duplicates) while timing it
// against the send time carried in the message body. Reports counters once a second over IPC.
import { io as ioClient, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { Histogram } from "../lib/histogram.js";
import type {
  ChannelCheck,
  ClientSpec,
  Command,
  ConnectResult,
  Request,
  SendResult,
  SendTarget,
  Stats,
  VerifyResult,
  WorkerMessage,
} from "./messages.js";

const WORKER = Number(process.env.BENCH_WORKER ?? 0);
/** Open-loop sending never queues more unanswered sends than this per worker; beyond it sends are skipped. */
const MAX_OUTSTANDING = 50_000;
const REPLY_TIMEOUT_MS = 30_000;
/** Stats go to the coordinator this often; acceptance times in slots of this width (for persister lag). */
const STATS_MS = 250;
const ACCEPT_SLOT_MS = 25;

const now = () => performance.timeOrigin + performance.now();

interface Outcome {
  ok: boolean;
  code?: string;
  result?: unknown;
}

interface Pending {
  at: number;
  done: (outcome: Outcome) => void;
}

interface ChannelState {
  last: number;
  received: number;
  gaps: number;
  duplicates: number;
}

class Client {
  ws?: WebSocket;
  /** The peer's clients (scenarios/peer.ts) speak Socket.IO instead of Parley's protocol. */
  sio?: Socket;
  /** Last seq seen per channel, from the resume reply on. */
  readonly channels = new Map<string, ChannelState>();
  readonly pending = new Map<string, Pending>();
  private nextId = 0;
  closeCode: number | null = null;

  constructor(readonly spec: ClientSpec) {}

  connect(url: string): Promise<void> {
    return this.spec.protocol === "socket.io" ? this.connectSocketIo(url) : this.connectParley(url);
  }

  private closed(code: number, label: string | number = code) {
    if (this.closeCode !== null) return;
    this.closeCode = code;
    if (connected.has(this)) {
      connected.delete(this);
      totals.closed++;
      closedCodes[label] = (closedCodes[label] ?? 0) + 1;
    }
    for (const p of this.pending.values()) p.done({ ok: false, code: `closed_${label}` });
    this.pending.clear();
  }

  private connectParley(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`, {
        headers: { authorization: `Bearer ${this.spec.token}` },
        localAddress: this.spec.localAddress,
        perMessageDeflate: false,
        handshakeTimeout: 60_000,
      });
      this.ws = ws;
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once("error", reject);
      ws.once("open", () => {
        ws.off("error", reject);
        ws.on("error", () => {});
        resolve();
      });
      ws.on("message", (data) => onFrame(this, String(data)));
      ws.on("close", (code) => this.closed(code));
    });
  }

  /** The peer sends the socket's channels (and their counters) once it joined their rooms: that is "resumed". */
  private connectSocketIo(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      // engine.io-client hands localAddress to its Node WebSocket (it is missing from its option types).
      const options: Parameters<typeof ioClient>[1] & { localAddress: string } = {
        transports: ["websocket"],
        auth: { token: this.spec.token },
        localAddress: this.spec.localAddress,
        reconnection: false,
        forceNew: true,
        timeout: 60_000,
      };
      const sio = ioClient(url, options);
      this.sio = sio;
      sio.once("connect_error", (error) => reject(new Error(`connect refused: ${error.message}`)));
      sio.once("ready", (ready: { channels: { channelId: string; toSeq: number }[] }) => {
        if (this.spec.resume)
          for (const c of ready.channels)
            this.channels.set(c.channelId, { last: c.toSeq, received: 0, gaps: 0, duplicates: 0 });
        resolve();
      });
      sio.on("channelEvent", (event: Parameters<typeof onEvent>[1]) => {
        tick.frames.channelEvent = (tick.frames.channelEvent ?? 0) + 1;
        if (this.spec.resume) onEvent(this, event);
      });
      sio.on("disconnect", (reason) => this.closed(1006, reason));
    });
  }

  terminate() {
    this.ws?.terminate();
    this.sio?.disconnect();
  }

  request(type: string, payload: Record<string, unknown>): Promise<Outcome> {
    const sio = this.sio;
    if (sio) {
      const at = now();
      return new Promise((resolve) => {
        sio.timeout(REPLY_TIMEOUT_MS).emit(type, payload, (error: unknown, reply: ReplyFrame) => {
          tick.frames.reply = (tick.frames.reply ?? 0) + 1;
          if (error) return resolve({ ok: false, code: this.closeCode === null ? "no_reply" : "closed" });
          if (reply.ok) tick.ackLatency.record(now() - at);
          resolve(reply.ok ? { ok: true, result: reply.result } : { ok: false, code: String(reply.error?.code) });
        });
      });
    }
    const id = String(this.nextId++);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, code: "no_reply" });
      }, REPLY_TIMEOUT_MS);
      this.pending.set(id, {
        at: now(),
        done: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      });
      this.ws?.send(JSON.stringify({ id, type, ...payload }));
    });
  }
}

interface ReplyFrame {
  ok: boolean;
  result?: unknown;
  error?: { code?: string };
}

const clients: Client[] = [];
let sendCommands = 0;
const connected = new Set<Client>();
const closedCodes: Record<string, number> = {};
const totals = { closed: 0, resyncs: 0, unexpected: 0 };
let tick = newTick();

function newTick() {
  return {
    sent: 0,
    acked: 0,
    errors: {} as Record<string, number>,
    delivered: {} as Record<string, number>,
    frames: {} as Record<string, number>,
    latency: new Map<string, Histogram>(),
    ackLatency: new Histogram(),
    accepts: new Map<number, number>(),
  };
}

const countError = (code: string) => {
  tick.errors[code] = (tick.errors[code] ?? 0) + 1;
};

function onFrame(client: Client, text: string) {
  const frame = JSON.parse(text) as { type: string; [k: string]: unknown };
  tick.frames[frame.type] = (tick.frames[frame.type] ?? 0) + 1;
  switch (frame.type) {
    case "channelEvent":
      return onEvent(client, frame.event as { channelId: string; seq: number; type: string; data: { body?: string } });
    case "reply": {
      const id = frame.id as string;
      const pending = client.pending.get(id);
      if (!pending) return;
      client.pending.delete(id);
      if (frame.ok) {
        tick.ackLatency.record(now() - pending.at);
        pending.done({ ok: true, result: frame.result });
      } else pending.done({ ok: false, code: String((frame.error as { code?: string })?.code) });
      return;
    }
    case "resyncRequired":
      totals.resyncs++;
      countError("resync_required");
      return;
    case "error":
      countError(`frame_${(frame.error as { code?: string })?.code}`);
      return;
    default:
      return; // hello, presence, typing, readState
  }
}

function onEvent(client: Client, event: { channelId: string; seq: number; type: string; data: { body?: string } }) {
  const group = client.spec.group;
  const state = client.channels.get(event.channelId);
  if (!state) {
    totals.unexpected++;
    countError("unexpected_event");
    return;
  }
  state.received++;
  if (event.seq === state.last + 1) state.last = event.seq;
  else if (event.seq <= state.last) state.duplicates++;
  else {
    state.gaps++;
    state.last = event.seq;
  }
  tick.delivered[group] = (tick.delivered[group] ?? 0) + 1;
  const body = event.data.body;
  if (body?.startsWith("t=")) {
    const sentAt = Number.parseFloat(body.slice(2, body.indexOf(" ")));
    const histogram = tick.latency.get(group) ?? new Histogram();
    tick.latency.set(group, histogram);
    histogram.record(now() - sentAt);
  }
}

async function connectAll(url: string, specs: ClientSpec[], concurrency: number): Promise<ConnectResult> {
  const result: ConnectResult = { connected: 0, failed: 0, firstErrors: [] };
  let next = 0;
  const one = async (spec: ClientSpec) => {
    const client = new Client(spec);
    clients.push(client);
    try {
      await client.connect(url);
      if (spec.resume && spec.protocol !== "socket.io") {
        const reply = await client.request("resume", { positions: {} });
        if (!reply.ok) throw new Error(`resume failed: ${reply.code}`);
        const { channels } = reply.result as { channels: { channelId: string; toSeq: number }[] };
        for (const c of channels)
          client.channels.set(c.channelId, { last: c.toSeq, received: 0, gaps: 0, duplicates: 0 });
      }
      connected.add(client);
      result.connected++;
    } catch (error) {
      result.failed++;
      if (result.firstErrors.length < 5) result.firstErrors.push(String((error as Error).message ?? error));
      client.terminate();
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, specs.length) }, async () => {
      while (next < specs.length) await one(specs[next++] as ClientSpec);
    }),
  );
  return result;
}

async function sendAtRate(cmd: Extract<Command, { cmd: "send" }>): Promise<SendResult> {
  const result: SendResult = { sent: 0, acked: 0, accepted: {}, errors: {} };
  const inFlight = new Set<Promise<void>>();
  const padding = "x".repeat(Math.max(0, cmd.bodyBytes - 40));
  const started = performance.now();
  let n = 0;
  let attempted = 0;
  const runNonce = (sendCommands++).toString(36);
  const sendOne = (target: SendTarget) => {
    attempted++;
    const client = clients[target.client];
    const error = (code: string) => {
      result.errors[code] = (result.errors[code] ?? 0) + 1;
      countError(code);
    };
    if (!client || client.closeCode !== null) return error("client_closed");
    if (inFlight.size >= MAX_OUTSTANDING) return error("skipped_backlog");
    // Unique per send: a reused (author, clientId) is, rightly, a duplicate of the earlier message.
    const clientId = `${cmd.tag}-${runNonce}-${WORKER}-${n++}`;
    const named = target.mention ? `<@${target.mention}> ` : "";
    const body = `t=${now().toFixed(3)} ${named}${clientId} ${padding}`;
    result.sent++;
    tick.sent++;
    const p = client.request("sendMessage", { channelId: target.channelId, clientId, body }).then((reply) => {
      inFlight.delete(p);
      if (!reply.ok) return error(reply.code ?? "failed");
      if ((reply.result as { status?: string }).status !== "accepted") return error("duplicate");
      result.acked++;
      tick.acked++;
      const slot = Math.floor(now() / ACCEPT_SLOT_MS);
      tick.accepts.set(slot, (tick.accepts.get(slot) ?? 0) + 1);
      result.accepted[target.channelId] = (result.accepted[target.channelId] ?? 0) + 1;
    });
    inFlight.add(p);
  };
  let cursor = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Math.min(performance.now() - started, cmd.durationMs);
      const due = Math.floor((cmd.ratePerSec * elapsed) / 1000) - attempted;
      for (let i = 0; i < due && cmd.targets.length > 0; i++)
        sendOne(cmd.targets[cursor++ % cmd.targets.length] as SendTarget);
      if (elapsed >= cmd.durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  await Promise.all(inFlight);
  return result;
}

function verify(): VerifyResult {
  const channels: Record<string, ChannelCheck> = {};
  for (const client of clients) {
    if (!client.spec.resume || client.closeCode !== null) continue;
    for (const [channelId, state] of client.channels) {
      const check = channels[channelId] ?? {
        sockets: 0,
        minLast: Number.POSITIVE_INFINITY,
        maxLast: 0,
        received: 0,
        gaps: 0,
        duplicates: 0,
      };
      channels[channelId] = check;
      check.sockets++;
      check.minLast = Math.min(check.minLast, state.last);
      check.maxLast = Math.max(check.maxLast, state.last);
      check.received += state.received;
      check.gaps += state.gaps;
      check.duplicates += state.duplicates;
    }
  }
  return { channels, closed: { ...closedCodes }, resyncs: totals.resyncs, unexpected: totals.unexpected };
}

function post(message: WorkerMessage) {
  process.send?.(message);
}

let lastTick = performance.now();
setInterval(() => {
  const current = tick;
  tick = newTick();
  const at = performance.now();
  const intervalMs = at - lastTick;
  lastTick = at;
  const stats: Stats = {
    type: "stats",
    worker: WORKER,
    intervalMs,
    connected: connected.size,
    closed: totals.closed,
    sent: current.sent,
    acked: current.acked,
    errors: current.errors,
    delivered: current.delivered,
    frames: current.frames,
    latency: Object.fromEntries([...current.latency].map(([group, h]) => [group, h.take()])),
    ackLatency: current.ackLatency.take(),
    accepts: [...current.accepts].map(([slot, n]) => [slot * ACCEPT_SLOT_MS, n]),
  };
  post(stats);
}, STATS_MS).unref();

process.on("message", async (request: Request) => {
  try {
    let result: unknown;
    if (request.cmd === "connect") result = await connectAll(request.url, request.clients, request.concurrency);
    else if (request.cmd === "send") result = await sendAtRate(request);
    else if (request.cmd === "verify") result = verify();
    else {
      for (const client of clients) client.terminate();
      result = null;
      setTimeout(() => process.exit(0), 50);
    }
    post({ type: "reply", id: request.id, ok: true, result });
  } catch (error) {
    post({ type: "reply", id: request.id, ok: false, error: String((error as Error)?.stack ?? error) });
  }
});
process.on("disconnect", () => process.exit(0));
