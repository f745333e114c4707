// A joined peer's media requests: transports, producing and consuming. Each checks its limits first and
// throws SfuError with a code the client can act on.
import type { types as ms } from "mediasoup";
import { notFound, SfuError } from "./errors.js";
import { kindOfSource, MAX_SIMULCAST_LAYERS } from "./media.js";
import type { Peer, TransportDirection } from "./peer.js";
import type { ConsumerInfo, PeerRequest, SfuResults, TransportInfo } from "./protocol.js";
import type { Room } from "./room.js";

export type Ctx = { room: Room; peer: Peer };
type Data<M extends PeerRequest["method"]> = Extract<PeerRequest, { method: M }>["data"];

/** Two of each direction: one send transport is normal, a second allows a restart without a gap. */
const MAX_TRANSPORTS_PER_DIRECTION = 2;

function transportOf({ peer }: Ctx, transportId: string, direction?: TransportDirection) {
  const entry = peer.transports.get(transportId);
  if (!entry) throw notFound("transport", transportId);
  if (direction && entry.direction !== direction) {
    throw new SfuError("bad_request", `Transport ${transportId} is a ${entry.direction} transport, not ${direction}.`);
  }
  return entry.transport;
}

export async function createTransport(ctx: Ctx, { direction }: Data<"createTransport">): Promise<TransportInfo> {
  const { room, peer } = ctx;
  const { config } = room;
  const same = [...peer.transports.values()].filter((t) => t.direction === direction).length;
  if (same >= MAX_TRANSPORTS_PER_DIRECTION) {
    throw new SfuError(
      "too_many_transports",
      `At most ${MAX_TRANSPORTS_PER_DIRECTION} ${direction} transports per peer.`,
    );
  }
  // Through the worker's WebRtcServer: every transport shares its one UDP and one TCP port.
  const transport = await room.router.createWebRtcTransport({
    webRtcServer: room.webRtcServer,
    enableUdp: config.SFU_ENABLE_UDP,
    enableTcp: config.SFU_ENABLE_TCP,
    preferUdp: true,
    initialAvailableOutgoingBitrate: config.SFU_INITIAL_OUTGOING_BITRATE,
    appData: { peerId: peer.id, direction },
  });
  if (peer.closed) {
    transport.close();
    throw new SfuError("not_joined", "The peer left while its transport was being created.");
  }
  peer.transports.set(transport.id, { transport, direction });
  transport.observer.once("close", () => peer.transports.delete(transport.id));
  // The client closed its side (DTLS close alert) or the handshake failed: this peer's media is over.
  transport.on("dtlsstatechange", (state) => {
    if (state !== "failed" && state !== "closed") return;
    room.log.info({ peerId: peer.id, transportId: transport.id, state }, "transport closed by the client; peer leaves");
    room.leave(peer, "disconnected");
  });
  // Caps are per transport; a peer has one of each direction in practice, so they are per peer.
  if (direction === "send") await transport.setMaxIncomingBitrate(config.SFU_MAX_INCOMING_BITRATE);
  else await transport.setMaxOutgoingBitrate(config.SFU_MAX_OUTGOING_BITRATE);
  return {
    transportId: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
  };
}

export async function connectTransport(
  ctx: Ctx,
  data: Data<"connectTransport">,
): Promise<SfuResults["connectTransport"]> {
  await transportOf(ctx, data.transportId).connect({ dtlsParameters: data.dtlsParameters as ms.DtlsParameters });
  ctx.peer.mediaStarted();
  return {};
}

export async function setRtpCapabilities(
  { room, peer }: Ctx,
  data: Data<"setRtpCapabilities">,
): Promise<SfuResults["setRtpCapabilities"]> {
  const rtpCapabilities = data.rtpCapabilities as ms.RtpCapabilities;
  // Refused now, with the reason, rather than at every consume later.
  const canReceive = room.router.rtpCapabilities.codecs?.some((codec) =>
    rtpCapabilities.codecs?.some((c) => c.mimeType.toLowerCase() === codec.mimeType.toLowerCase()),
  );
  if (!canReceive) throw new SfuError("cannot_consume", "Your device can receive none of this call's codecs.");
  peer.rtpCapabilities = rtpCapabilities;
  return {};
}

export async function produce(ctx: Ctx, data: Data<"produce">): Promise<SfuResults["produce"]> {
  const { room, peer } = ctx;
  const transport = transportOf(ctx, data.transportId, "send");
  if (kindOfSource[data.source] !== data.kind) {
    throw new SfuError(
      "bad_request",
      `A ${data.source} producer sends ${kindOfSource[data.source]}, not ${data.kind}.`,
    );
  }
  if (peer.producerOf(data.source)) {
    throw new SfuError("too_many_producers", `This peer already sends ${data.source}; close that producer first.`);
  }
  const encodings = data.rtpParameters.encodings ?? [];
  if (encodings.length > MAX_SIMULCAST_LAYERS) {
    throw new SfuError("bad_request", `At most ${MAX_SIMULCAST_LAYERS} simulcast layers.`);
  }
  const requested =
    encodings.reduce((total, e) => total + (e.maxBitrate ?? 0), 0) +
    [...peer.producers.values()].reduce(
      (total, p) => total + (p.producer.rtpParameters.encodings ?? []).reduce((t, e) => t + (e.maxBitrate ?? 0), 0),
      0,
    );
  const limit = room.config.SFU_MAX_INCOMING_BITRATE;
  if (requested > limit) {
    throw new SfuError(
      "bitrate_limit",
      `The encodings ask for ${requested} bps in total; a participant may send at most ${limit} bps.`,
      { limit, requested },
    );
  }
  // A source muted before it is produced starts paused: nothing is forwarded until it is unmuted.
  const mutedBefore = (data.source === "mic" || data.source === "camera") && peer.muted[data.source];
  const producer = await transport.produce({
    kind: data.kind,
    rtpParameters: data.rtpParameters as ms.RtpParameters,
    paused: (data.paused ?? false) || mutedBefore,
    appData: { peerId: peer.id, source: data.source },
  });
  if (peer.closed) {
    producer.close();
    throw new SfuError("not_joined", "The peer left while its producer was being created.");
  }
  peer.producers.set(producer.id, { producer, source: data.source });
  producer.observer.once("close", () => peer.producers.delete(producer.id));
  if (data.kind === "audio") await room.speakerObserver.addProducer({ producerId: producer.id }).catch(() => {});
  if (data.source === "mic" || data.source === "camera") peer.muted[data.source] = producer.paused;
  const info = { producerId: producer.id, kind: producer.kind, source: data.source, paused: producer.paused };
  room.emit({ type: "newProducer", peerId: peer.id, userId: peer.userId, producer: info }, room.others(peer));
  if (data.source === "screen") room.emit({ type: "peerUpdated", peer: peer.info() }, room.others(peer));
  return { producerId: producer.id };
}

export function closeProducerOf(ctx: Ctx, producerId: string) {
  const { room, peer } = ctx;
  const entry = peer.producers.get(producerId);
  if (!entry) throw notFound("producer", producerId);
  // Consumers of it close through mediasoup's producerclose, and their peers hear consumerClosed.
  entry.producer.close();
  peer.producers.delete(producerId);
  room.emit({ type: "producerClosed", peerId: peer.id, producerId }, room.others(peer));
  if (entry.source === "screen") room.emit({ type: "peerUpdated", peer: peer.info() }, room.others(peer));
}

export async function closeProducer(ctx: Ctx, data: Data<"closeProducer">): Promise<SfuResults["closeProducer"]> {
  closeProducerOf(ctx, data.producerId);
  return {};
}

export async function consume(ctx: Ctx, data: Data<"consume">): Promise<ConsumerInfo> {
  const { room, peer } = ctx;
  const transport = transportOf(ctx, data.transportId, "recv");
  const found = room.findProducer(data.producerId);
  if (!found) throw notFound("producer", data.producerId);
  const { rtpCapabilities } = peer;
  if (!rtpCapabilities) {
    throw new SfuError("bad_request", "Send setRtpCapabilities (once per call) before consuming.");
  }
  if (!room.router.canConsume({ producerId: data.producerId, rtpCapabilities })) {
    throw new SfuError("cannot_consume", "Your device cannot receive this producer's codec.");
  }
  for (const c of peer.consumers.values()) {
    if (c.consumer.producerId === data.producerId) {
      throw new SfuError("bad_request", `Already consuming producer ${data.producerId} (consumer ${c.consumer.id}).`);
    }
  }
  // Created paused: the client resumes it once its side is ready, so no keyframe is lost meanwhile.
  const consumer = await transport.consume({ producerId: data.producerId, rtpCapabilities, paused: true });
  if (peer.closed) {
    consumer.close();
    throw new SfuError("not_joined", "The peer left while its consumer was being created.");
  }
  const { source } = found.entry;
  peer.consumers.set(consumer.id, { consumer, source, peerId: found.owner.id });
  const tell = (event: Parameters<Room["emit"]>[0]) => room.emit(event, [peer]);
  const closed = () => {
    if (peer.consumers.delete(consumer.id))
      tell({ type: "consumerClosed", consumerId: consumer.id, producerId: data.producerId });
  };
  consumer.on("transportclose", () => peer.consumers.delete(consumer.id));
  consumer.on("producerclose", closed);
  consumer.on("producerpause", () => tell({ type: "consumerPaused", consumerId: consumer.id }));
  consumer.on("producerresume", () => tell({ type: "consumerResumed", consumerId: consumer.id }));
  consumer.on("layerschange", (layers) =>
    tell({
      type: "consumerLayersChanged",
      consumerId: consumer.id,
      spatialLayer: layers?.spatialLayer ?? null,
      temporalLayer: layers?.temporalLayer ?? null,
    }),
  );
  return {
    consumerId: consumer.id,
    producerId: data.producerId,
    peerId: found.owner.id,
    kind: consumer.kind,
    source,
    type: consumer.type,
    rtpParameters: consumer.rtpParameters,
    producerPaused: consumer.producerPaused,
  };
}

function consumerOf({ peer }: Ctx, consumerId: string) {
  const entry = peer.consumers.get(consumerId);
  if (!entry) throw notFound("consumer", consumerId);
  return entry.consumer;
}

export async function resumeConsumer(ctx: Ctx, data: Data<"resumeConsumer">): Promise<SfuResults["resumeConsumer"]> {
  await consumerOf(ctx, data.consumerId).resume();
  return {};
}

export async function pauseConsumer(ctx: Ctx, data: Data<"pauseConsumer">): Promise<SfuResults["pauseConsumer"]> {
  await consumerOf(ctx, data.consumerId).pause();
  return {};
}

export async function setPreferredLayers(
  ctx: Ctx,
  data: Data<"setPreferredLayers">,
): Promise<SfuResults["setPreferredLayers"]> {
  const consumer = consumerOf(ctx, data.consumerId);
  if (consumer.type !== "simulcast" && consumer.type !== "svc") {
    throw new SfuError(
      "bad_request",
      `Consumer ${data.consumerId} has one layer (${consumer.type}); there is nothing to prefer.`,
    );
  }
  await consumer.setPreferredLayers({
    spatialLayer: data.spatialLayer,
    ...(data.temporalLayer === undefined ? {} : { temporalLayer: data.temporalLayer }),
  });
  return {};
}
