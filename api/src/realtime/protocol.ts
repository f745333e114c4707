// The one WebSocket protocol: every frame, both directions. Client requests are zod schemas (validated at
// runtime); server frames are typed. web/ and admin/ import these types through api/client.
//
// Every client request carries an `id` and gets exactly one `reply` with that id (ok, or a typed error).
// Server events carry no id. Channel events are ordered per channel by `seq` (gap-free, increasing).
import * as sfu from "sfu/protocol";
import { z } from "zod";
import type { ChannelEvent } from "./channel-events.js";
import { MAX_MESSAGE_LENGTH } from "./channel-events.js";

export const MAX_FRAME_BYTES = 16 * 1024;

const requestId = z.string().min(1).max(64);
const uuid = z.uuid();

/** Close codes the server uses; 4000–4999 are ours. */
export const CloseCode = {
  /** Going away (deploy, shutdown): reconnect to any node and resume. */
  restarting: 4000,
  /** The session ended (signed out, revoked). Sign in again. */
  signedOut: 4001,
  banned: 4003,
  /** The client fell behind (send buffer over its limit): reconnect and resume from the last seq. */
  slowConsumer: 4008,
  /** Repeated invalid frames. */
  abuse: 4009,
} as const;

const request = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ id: requestId, type: z.literal(type), ...shape });

// --- calls (owned by api/src/calls/) -------------------------------------------------------------------
// A socket is in at most one call; media frames act on it, so they name no call. Media payloads (RTP
// parameters, DTLS parameters) use the SFU's own schemas, and call events are the SFU's, passed through.
const callRequests = [
  /** Joins the channel's call, starting one when none runs. */
  request("call.start", { channelId: uuid }),
  /** Joins the channel's running call (`no_call` when none). */
  request("call.join", { channelId: uuid }),
  request("call.leave", {}),
  request("call.getRouterCapabilities", {}),
  request("call.createTransport", sfu.createTransportData.shape),
  request("call.connectTransport", sfu.connectTransportData.shape),
  request("call.produce", sfu.produceData.shape),
  request("call.closeProducer", sfu.producerData.shape),
  request("call.consume", sfu.consumeData.shape),
  request("call.resumeConsumer", sfu.consumerData.shape),
  request("call.pauseConsumer", sfu.consumerData.shape),
  request("call.setPreferredLayers", sfu.preferredLayersData.shape),
  request("call.setMuted", sfu.setMutedData.shape),
  request("call.stopScreenShare", {}),
  request("call.raiseHand", sfu.raiseHandData.shape),
  request("call.getStats", {}),
  /** Any member of the channel may look, in the call or not. */
  request("call.getParticipants", { channelId: uuid }),
  /** Workspace admins only: ends the call for everyone. */
  request("call.end", { channelId: uuid }),
  /** Workspace admins only: takes a user out of the call. */
  request("call.removeParticipant", { channelId: uuid, userId: uuid }),
] as const;

export type CallJoined = sfu.SfuResults["join"] & {
  callId: string;
  channelId: string;
  peerId: string;
  started: boolean;
};
export interface CallResults {
  "call.start": CallJoined;
  "call.join": CallJoined;
  "call.leave": { left: boolean };
  "call.getRouterCapabilities": sfu.SfuResults["getRouterCapabilities"];
  "call.createTransport": sfu.SfuResults["createTransport"];
  "call.connectTransport": sfu.SfuResults["connectTransport"];
  "call.produce": sfu.SfuResults["produce"];
  "call.closeProducer": sfu.SfuResults["closeProducer"];
  "call.consume": sfu.SfuResults["consume"];
  "call.resumeConsumer": sfu.SfuResults["resumeConsumer"];
  "call.pauseConsumer": sfu.SfuResults["pauseConsumer"];
  "call.setPreferredLayers": sfu.SfuResults["setPreferredLayers"];
  "call.setMuted": sfu.SfuResults["setMuted"];
  "call.stopScreenShare": sfu.SfuResults["stopScreenShare"];
  "call.raiseHand": sfu.SfuResults["raiseHand"];
  "call.getStats": sfu.SfuResults["getStats"];
  "call.getParticipants": { callId: string | null; peers: sfu.PeerInfo[] };
  "call.end": { ended: boolean };
  "call.removeParticipant": { removed: number };
}
/** Something happened in the call this socket is in (joined, left, new producer, active speaker, ended …). */
export type CallServerFrame = { type: "callEvent"; callId: string; channelId: string; event: sfu.CallEvent };
export type { CallEvent, PeerInfo as CallPeer } from "sfu/protocol";
// --- end of calls ---------------------------------------------------------------------------------------

export const clientRequestSchema = z.discriminatedUnion("type", [
  request("ping", {}),
  /** Replays every event after each position (last seq seen per channel), then continues live. */
  request("resume", { positions: z.record(uuid, z.number().int().min(0)) }),
  request("sendMessage", {
    channelId: uuid,
    /** Client-generated; a retry with the same clientId (from any node) gets the original result. */
    clientId: z.string().min(1).max(64),
    body: z.string().trim().min(1).max(MAX_MESSAGE_LENGTH),
    parentId: uuid.nullable().optional(),
  }),
  request("editMessage", { messageId: uuid, body: z.string().trim().min(1).max(MAX_MESSAGE_LENGTH) }),
  request("deleteMessage", { messageId: uuid }),
  request("toggleReaction", { messageId: uuid, emoji: z.string().min(1).max(64) }),
  request("markRead", { channelId: uuid, seq: z.number().int().min(0) }),
  request("typing", { channelId: uuid }),
  request("setPresence", { status: z.enum(["online", "away"]) }),
  ...callRequests,
]);

export type ClientRequest = z.infer<typeof clientRequestSchema>;
export type ClientRequestType = ClientRequest["type"];
export type RequestOf<T extends ClientRequestType> = Extract<ClientRequest, { type: T }>;

export type PresenceStatus = "online" | "away" | "offline";

/** What each request's ok reply carries. */
export interface RequestResults extends CallResults {
  ping: { at: string };
  /** `denied`: positions given for channels the user is not a member of (nothing is sent for them). */
  resume: { channels: { channelId: string; fromSeq: number; toSeq: number; resync: boolean }[]; denied: string[] };
  sendMessage: { messageId: string; clientId: string; channelId: string; status: "accepted" | "duplicate" };
  editMessage: { messageId: string; status: "accepted" };
  deleteMessage: { messageId: string; status: "accepted" };
  toggleReaction: { messageId: string; emoji: string; added: boolean; status: "accepted" };
  markRead: { channelId: string; seq: number };
  typing: Record<string, never>;
  setPresence: { status: PresenceStatus };
}

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export type ServerFrame =
  | { type: "hello"; connectionId: string; userId: string; heartbeatMs: number; maxFrameBytes: number }
  | {
      [K in ClientRequestType]: { type: "reply"; id: string; ok: true; request: K; result: RequestResults[K] };
    }[ClientRequestType]
  | { type: "reply"; id: string; ok: false; error: ErrorBody }
  /** A frame that could not be answered as a request (not JSON, no id). */
  | { type: "error"; error: ErrorBody }
  | { type: "channelEvent"; event: ChannelEvent }
  /** Too many events missed in a channel to replay: fetch its history over HTTP and resume from there. */
  | { type: "resyncRequired"; channelId: string; lastSeq: number }
  | { type: "typing"; channelId: string; userId: string }
  | { type: "presence"; userId: string; status: PresenceStatus; lastSeenAt: string | null }
  /** The user's read position moved (this or another tab/device). */
  | { type: "readState"; channelId: string; seq: number }
  /** The user joined or left channels; events of joined channels now flow on this socket. */
  | { type: "channelsChanged"; joined: string[]; left: string[] }
  | CallServerFrame;
