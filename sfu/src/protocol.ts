// The SFU's internal channel: one WebSocket per API node, authenticated with SFU_SECRET before the
// upgrade. The API sends requests (each answered once) and receives call events addressed to the peers it
// hosts. Every frame, both directions, is here; the API's client protocol reuses the `*Data` schemas.
import type { types as ms } from "mediasoup";
import { z } from "zod";

export const SFU_PATH = "/sfu";
/** Checked at the upgrade (header `x-parley-sfu-protocol`): an API node and an SFU of other versions refuse. */
export const SFU_PROTOCOL_VERSION = "2";

const id = z.string().min(1).max(100);
export const mediaSourceSchema = z.enum(["mic", "camera", "screen", "screenAudio"]);
export type MediaSource = z.infer<typeof mediaSourceSchema>;

// mediasoup validates these deeply itself (and its TypeError becomes a bad_request); here only the
// outline and sizes are checked, so a client cannot send megabytes of nonsense through the API.
const rtpCodecSchema = z.looseObject({
  mimeType: z.string().max(64),
  clockRate: z.number().int().positive(),
  payloadType: z.number().int().min(0).max(127).optional(),
  channels: z.number().int().positive().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});
const headerExtensionSchema = z.looseObject({ uri: z.string().max(200) });
export const rtpCapabilitiesSchema = z.looseObject({
  codecs: z.array(rtpCodecSchema).max(64).optional(),
  headerExtensions: z.array(headerExtensionSchema).max(64).optional(),
});
export const rtpParametersSchema = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z.array(rtpCodecSchema).min(1).max(16),
  headerExtensions: z.array(headerExtensionSchema).max(32).optional(),
  encodings: z
    .array(
      z.looseObject({
        ssrc: z.number().int().nonnegative().optional(),
        rid: z.string().max(32).optional(),
        maxBitrate: z.number().int().positive().optional(),
        scalabilityMode: z.string().max(16).optional(),
      }),
    )
    .max(4)
    .optional(),
  rtcp: z.looseObject({}).optional(),
});
export const dtlsParametersSchema = z.looseObject({
  role: z.enum(["auto", "client", "server"]).optional(),
  fingerprints: z
    .array(z.object({ algorithm: z.string().max(32), value: z.string().max(200) }))
    .min(1)
    .max(8),
});

// --- request data, per method -------------------------------------------------------------------------
export const joinData = z.object({
  userId: id,
  displayName: z.string().max(100),
  /**
   * The SFU process the call was placed on (`instanceId` of nodeInfo). Another one (this SFU restarted
   * since) answers call_ended: a call never outlives the process that held its media.
   */
  instanceId: id,
  /** The channel the call belongs to; the SFU hands it back with the call's end and roster. */
  channelId: id,
});
/** `disconnected`: the participant's socket went away; `removed`: it lost access to the call. */
export const leaveData = z.object({ reason: z.enum(["left", "disconnected", "removed"]).default("left") });
export const createTransportData = z.object({ direction: z.enum(["send", "recv"]) });
export const connectTransportData = z.object({ transportId: id, dtlsParameters: dtlsParametersSchema });
export const produceData = z.object({
  transportId: id,
  kind: z.enum(["audio", "video"]),
  source: mediaSourceSchema,
  rtpParameters: rtpParametersSchema,
  paused: z.boolean().optional(),
});
export const producerData = z.object({ producerId: id });
/** What the participant's device can receive; sent once per call, before its first consume. */
export const rtpCapabilitiesData = z.object({ rtpCapabilities: rtpCapabilitiesSchema });
export const consumeData = z.object({ transportId: id, producerId: id });
export const consumerData = z.object({ consumerId: id });
export const preferredLayersData = z.object({
  consumerId: id,
  spatialLayer: z.number().int().min(0).max(2),
  temporalLayer: z.number().int().min(0).max(2).optional(),
});
export const setMutedData = z.object({ source: z.enum(["mic", "camera"]), muted: z.boolean() });
export const raiseHandData = z.object({ raised: z.boolean() });
export const endCallData = z.object({ reason: z.enum(["ended", "shutdown"]).default("ended") });
export const removeUserData = z.object({ userId: id });
const none = z.object({});

const peerRequest = <M extends string, D extends z.ZodType>(method: M, data: D) =>
  z.object({
    type: z.literal("request"),
    id: z.number().int().nonnegative(),
    method: z.literal(method),
    callId: id,
    peerId: id,
    data,
  });
const callRequest = <M extends string, D extends z.ZodType>(method: M, data: D) =>
  z.object({
    type: z.literal("request"),
    id: z.number().int().nonnegative(),
    method: z.literal(method),
    callId: id,
    data,
  });

/** Requests a participant makes; `peerId` names it (the API chooses it, one per joined socket). */
export const peerRequestSchema = z.discriminatedUnion("method", [
  peerRequest("join", joinData),
  peerRequest("leave", leaveData),
  peerRequest("getRouterCapabilities", none),
  peerRequest("setRtpCapabilities", rtpCapabilitiesData),
  peerRequest("createTransport", createTransportData),
  peerRequest("connectTransport", connectTransportData),
  peerRequest("produce", produceData),
  peerRequest("closeProducer", producerData),
  peerRequest("consume", consumeData),
  peerRequest("resumeConsumer", consumerData),
  peerRequest("pauseConsumer", consumerData),
  peerRequest("setPreferredLayers", preferredLayersData),
  peerRequest("setMuted", setMutedData),
  peerRequest("stopScreenShare", none),
  peerRequest("raiseHand", raiseHandData),
  peerRequest("getStats", none),
]);
/** Requests about a call as a whole, from someone who need not be in it (the API has authorized them). */
export const callRequestSchema = z.discriminatedUnion("method", [
  callRequest("getParticipants", none),
  callRequest("endCall", endCallData),
  callRequest("removeUser", removeUserData),
  /** The API wrote the call's end into its channel: the SFU stops offering it to newly connected nodes. */
  callRequest("endRecorded", none),
]);
export const nodeRequestSchema = z.object({
  type: z.literal("request"),
  id: z.number().int().nonnegative(),
  method: z.literal("nodeInfo"),
  data: none,
});
export const sfuRequestSchema = z.union([peerRequestSchema, callRequestSchema, nodeRequestSchema]);
/** Each method's own schema, so a bad frame is reported by field rather than as "no union member". */
export const requestSchemaByMethod = new Map<string, z.ZodType<SfuRequest>>(
  [...peerRequestSchema.options, ...callRequestSchema.options, nodeRequestSchema].map((s) => [s.shape.method.value, s]),
);
export type PeerRequest = z.infer<typeof peerRequestSchema>;
export type CallRequest = z.infer<typeof callRequestSchema>;
export type SfuRequest = z.infer<typeof sfuRequestSchema>;
export type PeerMethod = PeerRequest["method"];
export type CallMethod = CallRequest["method"];
export type SfuMethod = SfuRequest["method"];
/** What a caller passes as `data` (fields with defaults may be left out). */
export type RequestData<M extends SfuMethod> = Extract<z.input<typeof sfuRequestSchema>, { method: M }>["data"];

// --- results ------------------------------------------------------------------------------------------
export type ProducerInfo = { producerId: string; kind: ms.MediaKind; source: MediaSource; paused: boolean };
export type PeerInfo = {
  peerId: string;
  userId: string;
  displayName: string;
  joinedAt: string;
  handRaised: boolean;
  muted: { mic: boolean; camera: boolean };
  screenSharing: boolean;
  producers: ProducerInfo[];
};
export type TransportInfo = {
  transportId: string;
  iceParameters: ms.IceParameters;
  iceCandidates: ms.IceCandidate[];
  dtlsParameters: ms.DtlsParameters;
};
export type ConsumerInfo = {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: ms.MediaKind;
  source: MediaSource;
  type: ms.ConsumerType;
  rtpParameters: ms.RtpParameters;
  producerPaused: boolean;
};
export type PeerStats = {
  peerId: string;
  transports: {
    transportId: string;
    direction: "send" | "recv";
    iceState: string;
    dtlsState: string;
    bytesReceived: number;
    bytesSent: number;
    rtpBytesReceived: number;
    rtpBytesSent: number;
    recvBitrate: number;
    sendBitrate: number;
    availableOutgoingBitrate?: number;
  }[];
  producers: {
    producerId: string;
    kind: string;
    source: MediaSource;
    score: number;
    bitrate: number;
    packets: number;
    packetsLost: number;
  }[];
  consumers: {
    consumerId: string;
    producerId: string;
    kind: string;
    paused: boolean;
    score: number;
    bitrate: number;
    packets: number;
    bytes: number;
    packetsLost: number;
    currentLayers?: ms.ConsumerLayers;
    /** The layers the receiver asked for (call.setPreferredLayers), for a simulcast consumer. */
    preferredLayers?: ms.ConsumerLayers;
  }[];
};
export type NodeInfo = {
  nodeId: string;
  /** New at every start of the process: calls placed on an earlier one are gone. */
  instanceId: string;
  workers: number;
  calls: number;
  peers: number;
  consumers: number;
};

export type SfuResults = {
  join: { routerRtpCapabilities: ms.RtpCapabilities; peers: PeerInfo[]; self: PeerInfo };
  leave: Record<string, never>;
  getRouterCapabilities: { routerRtpCapabilities: ms.RtpCapabilities };
  setRtpCapabilities: Record<string, never>;
  createTransport: TransportInfo;
  connectTransport: Record<string, never>;
  produce: { producerId: string };
  closeProducer: Record<string, never>;
  consume: ConsumerInfo;
  resumeConsumer: Record<string, never>;
  pauseConsumer: Record<string, never>;
  setPreferredLayers: Record<string, never>;
  setMuted: { peer: PeerInfo };
  stopScreenShare: { closed: string[] };
  raiseHand: { peer: PeerInfo };
  getStats: PeerStats;
  getParticipants: { peers: PeerInfo[] };
  endCall: { ended: boolean };
  removeUser: { removed: string[] };
  endRecorded: Record<string, never>;
  nodeInfo: NodeInfo;
};

export type SfuErrorBody = { code: string; message: string; details?: unknown };
export type SfuResponse =
  | { type: "response"; id: number; ok: true; data: unknown }
  | { type: "response"; id: number; ok: false; error: SfuErrorBody };

// --- events -------------------------------------------------------------------------------------------
export type LeaveReason = "left" | "removed" | "disconnected" | "callEnded";
/** `sfuLost` is never sent by an SFU: API nodes say it when the SFU process holding the call is gone. */
export type EndReason = "empty" | "ended" | "shutdown" | "workerDied" | "sfuLost";
export type CallEvent =
  | { type: "peerJoined"; peer: PeerInfo }
  | { type: "peerLeft"; peerId: string; userId: string; reason: LeaveReason }
  | { type: "peerUpdated"; peer: PeerInfo }
  | { type: "newProducer"; peerId: string; userId: string; producer: ProducerInfo }
  | { type: "producerClosed"; peerId: string; producerId: string }
  | { type: "consumerClosed"; consumerId: string; producerId: string }
  | { type: "consumerPaused"; consumerId: string }
  | { type: "consumerResumed"; consumerId: string }
  | { type: "consumerLayersChanged"; consumerId: string; spatialLayer: number | null; temporalLayer: number | null }
  | { type: "activeSpeaker"; peerId: string | null; userId: string | null }
  | {
      type: "callEnded";
      reason: EndReason;
      durationMs: number;
      joinedUsers: number;
      /** Absent when an API node reports the end of a call whose SFU is gone. */
      peakPeers?: number;
      channelId: string;
      /** Who started it (its first participant). */
      startedBy: string;
    };
export type CallEventType = CallEvent["type"];

/**
 * SFU → API. `to`: the peers (hosted by this API node) the event is for. callEnded goes to every node,
 * and again to each node that connects until one answers endRecorded.
 */
export type SfuEventFrame = { type: "event"; callId: string; to: string[]; event: CallEvent };
/** Who is in a call now, after each join and leave: sent to one API node, which tells the channel. */
export type SfuRosterFrame = {
  type: "roster";
  callId: string;
  channelId: string;
  peers: { userId: string; displayName: string }[];
};
export type SfuFrame = SfuResponse | SfuEventFrame | SfuRosterFrame;
