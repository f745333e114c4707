// What the coordinator (run.ts) and its load-generator processes (worker.ts) say to each other over IPC.
import type { SparseCounts } from "../lib/histogram.js";

export interface ClientSpec {
  token: string;
  /** Label that deliveries and latencies are counted under (e.g. "member", "receiver"). */
  group: string;
  /** Whether the socket resumes, i.e. receives channel events. Pure senders skip it. */
  resume: boolean;
  /** Loopback source address (127.0.0.x), so 20,000 sockets do not exhaust one address's ports. */
  localAddress: string;
  /** What the server speaks: Parley's protocol (default) or Socket.IO (the peer, scenarios/peer.ts). */
  protocol?: "parley" | "socket.io";
}

export interface SendTarget {
  /** Index of the client within this worker (order of connect). */
  client: number;
  channelId: string;
  /** A user this message names (`<@id>`), for the notifications scenario. */
  mention?: string;
}

export type Command =
  | { cmd: "connect"; url: string; clients: ClientSpec[]; concurrency: number }
  | { cmd: "send"; targets: SendTarget[]; ratePerSec: number; durationMs: number; tag: string; bodyBytes: number }
  | { cmd: "verify" }
  | { cmd: "close" };

export type Request = Command & { id: number };

export interface HistogramDelta {
  counts: SparseCounts;
  max: number;
  sum: number;
}

/** Sent by each worker once a second: counters since the previous stats message. */
export interface Stats {
  type: "stats";
  worker: number;
  /** The time these counters cover. */
  intervalMs: number;
  connected: number;
  /** Sockets closed by the server or the network since connecting (should stay 0). */
  closed: number;
  sent: number;
  acked: number;
  errors: Record<string, number>;
  delivered: Record<string, number>;
  /** Server frames received, by type (channelEvent, presence, reply …). */
  frames: Record<string, number>;
  latency: Record<string, HistogramDelta>;
  ackLatency: HistogramDelta;
  /** Accepted sends by acceptance time: [epoch ms of a 25 ms slot, count]. */
  accepts: [number, number][];
}

export interface ConnectResult {
  connected: number;
  failed: number;
  firstErrors: string[];
}

export interface SendResult {
  sent: number;
  acked: number;
  /** Accepted sends per channel. */
  accepted: Record<string, number>;
  errors: Record<string, number>;
}

/** Per channel, over this worker's resumed sockets: how far each got, and any order violations. */
export interface ChannelCheck {
  sockets: number;
  minLast: number;
  maxLast: number;
  /** Sum over sockets of events received. */
  received: number;
  gaps: number;
  duplicates: number;
}

export interface VerifyResult {
  channels: Record<string, ChannelCheck>;
  closed: Record<string, number>;
  resyncs: number;
  unexpected: number;
}

export type Reply =
  | { type: "reply"; id: number; ok: true; result: unknown }
  | { type: "reply"; id: number; ok: false; error: string };

export type WorkerMessage = Stats | Reply;
