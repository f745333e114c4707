// The one WebSocket protocol: every frame, both directions. Client requests are zod schemas (validated at
// runtime); server frames are typed. web/ and admin/ import these types through api/client.
//
// Every client request carries an `id` and gets exactly one `reply` with that id (ok, or a typed error).
// Server events carry no id. Channel events are ordered per channel by `seq` (gap-free, increasing).
import * as sfu from "sfu/protocol";
import { z } from "zod";
import { AttachmentIdsSchema } from "../files/schemas.js";
import { userText } from "../lib/user-text.js";
import type { PushNotification } from "../notifications/content.js";
import type { OpsPoint, OpsSnapshot } from "../ops/types.js";
import type { ChannelEvent } from "./channel-events.js";
import { ClientIdSchema, EmojiSchema, MessageBodySchema, SentBodySchema } from "./channel-events.js";

export const MAX_FRAME_BYTES = 16 * 1024;

/** Echoed in the reply as sent; any text but control characters (lib/user-text.ts, kind "token"). */
export const RequestIdSchema = userText("token", { min: 1, max: 64 });
const requestId = RequestIdSchema;
const uuid = z.uuid();

/** Close codes the server uses; 4000–4999 are ours, 1012 is the standard one for a restart. */
export const CloseCode = {
  /** The node is draining (deploy, rolling restart: RFC 6455's "Service Restart"): reconnect to any node
   * and resume. Older servers sent 4000 for the same. */
  restarting: 1012,
  /** The session ended (signed out, revoked). Sign in again. */
  signedOut: 4001,
  banned: 4003,
  /** The client fell behind (send buffer over its limit): reconnect and resume from the last seq. */
  slowConsumer: 4008,
  /** More than MAX_MALFORMED_FRAMES frames that were not well-formed requests. */
  abuse: 4009,
} as const;

/**
 * A socket is closed (4009) at its 21st frame, over its life, that is not a well-formed request: not a JSON
 * object, no valid id, an unknown type, too large, or binary. Requests refused for what their fields hold
 * (invalid_request with an id, and every other error reply) do not count: a correct client never sends
 * the former, and a user's typing can cause the latter.
 */
export const MAX_MALFORMED_FRAMES = 20;

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
  /** The running calls of the channels you are a member of (the sidebar's markers). */
  request("call.list", {}),
  /** Whether calls can be made on this server now (see `callsAvailability`). */
  request("call.status", {}),
  request("call.getRouterCapabilities", {}),
  /** What your device can receive; once per call, before the first `call.consume`. */
  request("call.setRtpCapabilities", sfu.rtpCapabilitiesData.shape),
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
/** A running call, as the channel's members see it. */
export type LiveCall = { channelId: string; callId: string; startedAt: string; startedBy: string };
/** off: no SFU configured; connecting: the SFU has not answered yet since start (it may be getting ready). */
export type CallsAvailability = "off" | "connecting" | "ready" | "unavailable";
export interface CallResults {
  "call.start": CallJoined;
  "call.join": CallJoined;
  "call.leave": { left: boolean };
  "call.list": { calls: LiveCall[] };
  "call.status": { state: CallsAvailability };
  "call.getRouterCapabilities": sfu.SfuResults["getRouterCapabilities"];
  "call.setRtpCapabilities": sfu.SfuResults["setRtpCapabilities"];
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
export type CallServerFrame =
  | { type: "callEvent"; callId: string; channelId: string; event: sfu.CallEvent }
  /** Who is in a channel's call now (to every member, in the call or not), after each join and leave. */
  | { type: "callRoster"; channelId: string; callId: string; participants: CallRosterEntry[] }
  /** Calls became possible or impossible on this server (to every socket). */
  | { type: "callsAvailability"; state: CallsAvailability };
export type CallRosterEntry = { userId: string; displayName: string };
export type { CallEvent, PeerInfo as CallPeer } from "sfu/protocol";

// --- end of calls ---------------------------------------------------------------------------------------

// --- notifications (owned by api/src/notifications/) ----------------------------------------------------
const notificationRequests = [
  /** The channel this tab shows while it is focused (visible, focused, in use), or null: nothing is seen now.
   * Nobody is notified of a channel a focused tab of theirs shows. */
  request("notify.setFocus", { channelId: uuid.nullable() }),
] as const;
export interface NotificationResults {
  "notify.setFocus": Record<string, never>;
}
/** A notification for this user (kind "message": show or replace the channel's; "withdraw": take it away). */
export type NotificationServerFrame = { type: "notification"; notification: PushNotification };
export type { PushNotification };

// --- end of notifications -------------------------------------------------------------------------------

// --- live operations (owned by api/src/ops/) ------------------------------------------------------------
// Admins and owners only, checked at every frame and, for the subscription, before every sample sent.
const opsRequests = [
  /** Starts `opsSample` frames on this socket every `intervalMs`, until unsubscribed, closed, or no longer an admin. */
  request("admin.subscribeOps", {}),
  request("admin.unsubscribeOps", {}),
  /** Re-appends the persister's dead letters not yet replayed to the event log (any that fail again return). */
  request("admin.replayDeadLetters", {}),
] as const;
export interface OpsResults {
  "admin.subscribeOps": {
    intervalMs: number;
    heartbeatMs: number;
    /** A node whose last heartbeat is older than this is down. */
    staleAfterMs: number;
    /** The last 15 minutes, oldest first (as far back as this node has been sampling). */
    history: OpsPoint[];
    snapshot: OpsSnapshot;
  };
  "admin.unsubscribeOps": { unsubscribed: boolean };
  "admin.replayDeadLetters": { replayed: number };
}
/** The cluster now, and the newest point of its time series. */
export type OpsServerFrame = { type: "opsSample"; point: OpsPoint; snapshot: OpsSnapshot };
export type { OpsNode, OpsPoint, OpsSnapshot, PersisterBacklog, ServiceHealth, SfuStatus } from "../ops/types.js";
// --- end of live operations -----------------------------------------------------------------------------

export const clientRequestSchema = z.discriminatedUnion("type", [
  request("ping", {}),
  /** Replays every event after each position (last seq seen per channel), then continues live. */
  request("resume", { positions: z.record(uuid, z.number().int().min(0)) }),
  request("sendMessage", {
    channelId: uuid,
    /** Client-generated; a retry with the same clientId (from any node) gets the original result. */
    clientId: ClientIdSchema,
    /** May be empty when `attachments` are given. */
    body: SentBodySchema,
    parentId: uuid.nullable().optional(),
    /** Ids of files this user uploaded to the channel (POST /api/files) and has not sent yet. */
    attachments: AttachmentIdsSchema.optional(),
  }),
  request("editMessage", { messageId: uuid, body: MessageBodySchema }),
  request("deleteMessage", { messageId: uuid }),
  request("toggleReaction", { messageId: uuid, emoji: EmojiSchema }),
  request("markRead", { channelId: uuid, seq: z.number().int().min(0) }),
  request("typing", { channelId: uuid }),
  request("setPresence", { status: z.enum(["online", "away"]) }),
  ...callRequests,
  ...notificationRequests,
  ...opsRequests,
]);

export type ClientRequest = z.infer<typeof clientRequestSchema>;
export type ClientRequestType = ClientRequest["type"];
export type RequestOf<T extends ClientRequestType> = Extract<ClientRequest, { type: T }>;

export type PresenceStatus = "online" | "away" | "offline";

/** What each request's ok reply carries. */
export interface RequestResults extends CallResults, NotificationResults, OpsResults {
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
  | CallServerFrame
  | NotificationServerFrame
  | OpsServerFrame;
