// A real WebRTC participant in Node: mediasoup's client (msc-node) on werift, with synthetic audio and
// video. It signals through whatever it is given: the SFU's internal channel in the SFU's tests, the chat
// socket in the API's. It keeps every event it hears and counts the RTP it receives per consumer.
import {
  Device,
  MediaStreamTrack,
  RTCRtpCodecParameters,
  RtcpSenderInfo,
  RtcpSrPacket,
  type types,
  useAbsSendTime,
  useAudioLevelIndication,
  useSdesMid,
  useSdesRTPStreamId,
} from "msc-node";
import type {
  CallEvent,
  ConsumerInfo,
  MediaSource,
  PeerInfo,
  PeerMethod,
  RequestData,
  SfuResults,
} from "../../src/protocol.js";
import { ntpTimestamp, type RtpSource, startAudio, startVideo } from "./rtp-source.js";

export type PeerSignal = {
  request<M extends PeerMethod>(method: M, data: RequestData<M>): Promise<SfuResults[M]>;
};

export type PeerOptions = {
  /** Changes the SFU's ICE candidates before use (tests put a relay in the path this way). */
  mapCandidates?(candidates: types.IceCandidate[]): Promise<types.IceCandidate[]>;
};

export type Received = {
  info: ConsumerInfo;
  consumer: types.Consumer;
  packets: number;
  bytes: number;
  closed: boolean;
};

const AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
const MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid";
const RID_URI = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";

/** werift has no codec list of its own to offer; msc-node needs it spelt out. */
export function weriftCapabilities() {
  const feedback = [{ type: "nack" }, { type: "nack", parameter: "pli" }, { type: "goog-remb" }];
  return {
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48000, channels: 2 })],
      video: [new RTCRtpCodecParameters({ mimeType: "video/VP8", clockRate: 90000, rtcpFeedback: feedback })],
    },
    headerExtensions: {
      audio: [useSdesMid(), useAudioLevelIndication()],
      video: [useSdesMid(), useSdesRTPStreamId(), useAbsSendTime()],
    },
  };
}

export class TestPeer {
  readonly events: CallEvent[] = [];
  readonly errors: Error[] = [];
  readonly consumers = new Map<string, Received>();
  readonly peers = new Map<string, PeerInfo>();
  readonly producers = new Map<MediaSource, types.Producer>();
  private device?: Device;
  private sendTransport?: types.Transport;
  private recvTransport?: types.Transport;
  private readonly sources: RtpSource[] = [];
  private readonly waiting: { test: (e: CallEvent) => boolean; resolve: (e: CallEvent) => void }[] = [];
  private readonly early: string[] = [];

  constructor(
    readonly name: string,
    readonly peerId: string,
    private readonly signal: PeerSignal,
    private readonly options: PeerOptions = {},
  ) {}

  /** After joining: loads the device, opens both transports and consumes what the others already send. */
  async start(join: SfuResults["join"]) {
    const device = new Device(weriftCapabilities());
    await device.load({ routerRtpCapabilities: join.routerRtpCapabilities });
    this.device = device;
    // What this device can receive, once per call: each consume after it names only the producer.
    await this.signal.request("setRtpCapabilities", { rtpCapabilities: device.rtpCapabilities });
    for (const p of join.peers) this.peers.set(p.peerId, p);
    this.sendTransport = await this.transport("send");
    this.recvTransport = await this.transport("recv");
    const existing = join.peers.flatMap((p) => p.producers.map((pr) => pr.producerId));
    for (const producerId of [...existing, ...this.early.splice(0)]) await this.consume(producerId);
  }

  private async transport(direction: "send" | "recv") {
    const device = this.need(this.device, "device");
    const info = await this.signal.request("createTransport", { direction });
    const candidates = info.iceCandidates as types.IceCandidate[];
    const options = {
      id: info.transportId,
      iceParameters: info.iceParameters,
      iceCandidates: this.options.mapCandidates ? await this.options.mapCandidates(candidates) : candidates,
      dtlsParameters: info.dtlsParameters,
    };
    const transport = direction === "send" ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on("connect", ({ dtlsParameters }, done, fail) => {
      this.signal.request("connectTransport", { transportId: transport.id, dtlsParameters }).then(() => done(), fail);
    });
    transport.on("produce", ({ kind, rtpParameters, appData }, done, fail) => {
      const source = (appData as { source: MediaSource }).source;
      this.signal
        .request("produce", { transportId: transport.id, kind, rtpParameters, source })
        .then(({ producerId }) => done({ id: producerId }), fail);
    });
    return transport;
  }

  handleEvent(event: CallEvent) {
    this.events.push(event);
    if (event.type === "newProducer") {
      if (this.recvTransport) this.consume(event.producer.producerId).catch((e: Error) => this.errors.push(e));
      else this.early.push(event.producer.producerId);
    } else if (event.type === "consumerClosed") {
      const received = this.consumers.get(event.consumerId);
      if (received) {
        received.closed = true;
        received.consumer.close();
      }
    } else if (event.type === "peerJoined" || event.type === "peerUpdated") {
      this.peers.set(event.peer.peerId, event.peer);
    } else if (event.type === "peerLeft") {
      this.peers.delete(event.peerId);
    }
    for (const w of [...this.waiting]) {
      if (w.test(event)) {
        this.waiting.splice(this.waiting.indexOf(w), 1);
        w.resolve(event);
      }
    }
  }

  async consume(producerId: string) {
    const recv = this.need(this.recvTransport, "receive transport");
    const info = await this.signal.request("consume", { transportId: recv.id, producerId });
    const consumer = await recv.consume({
      id: info.consumerId,
      producerId,
      kind: info.kind,
      rtpParameters: info.rtpParameters,
    });
    const received: Received = { info, consumer, packets: 0, bytes: 0, closed: false };
    const track = consumer.track as unknown as MediaStreamTrack;
    track.onReceiveRtp.subscribe((rtp) => {
      received.packets++;
      received.bytes += rtp.payload.length;
    });
    this.consumers.set(info.consumerId, received);
    await this.signal.request("resumeConsumer", { consumerId: info.consumerId });
    return received;
  }

  /** Sends Opus-like audio; `level` (0 loud … 127 silent) feeds the SFU's active-speaker detection. */
  async produceAudio(level: () => number = () => 127) {
    const track = new MediaStreamTrack({ kind: "audio" });
    const producer = await this.need(this.sendTransport, "send transport").produce({
      track: track as never,
      appData: { source: "mic" },
    });
    const ext = producer.rtpParameters.headerExtensions?.find((h) => h.uri === AUDIO_LEVEL_URI);
    this.sources.push(startAudio(track, { ...(ext ? { audioLevelId: ext.id } : {}), level }));
    this.producers.set("mic", producer);
    return producer;
  }

  /** Sends VP8-like video (one layer: werift's sender has no simulcast) at about `bitrate` bps. */
  async produceVideo(bitrate = 150_000, source: "camera" | "screen" = "camera") {
    const track = new MediaStreamTrack({ kind: "video" });
    const producer = await this.need(this.sendTransport, "send transport").produce({
      track: track as never,
      appData: { source },
    });
    this.sources.push(startVideo((p) => track.writeRtp(p), { bitrate }));
    this.producers.set(source, producer);
    return producer;
  }

  /**
   * Sends camera video as simulcast, one RTP stream per layer at the given bitrates, as a browser does:
   * werift's sender has no simulcast, so the packets (own SSRC, MID and RID extensions per layer) go
   * straight onto the transport's DTLS-SRTP session.
   */
  async produceSimulcast(bitrates: number[]) {
    const track = new MediaStreamTrack({ kind: "video" });
    const producer = await this.need(this.sendTransport, "send transport").produce({
      track: track as never,
      encodings: bitrates.map((maxBitrate) => ({ maxBitrate })),
      appData: { source: "camera" },
    });
    const params = producer.rtpParameters;
    const extId = (uri: string) => {
      const id = params.headerExtensions?.find((h) => h.uri === uri)?.id;
      if (id === undefined) throw new Error(`${this.name}: ${uri} was not negotiated`);
      return id;
    };
    const dtls = this.need(producer.rtpSender?.dtlsTransport, "DTLS transport of the video sender");
    const mid = Buffer.from(this.need(params.mid, "mid"));
    const payloadType = this.need(params.codecs[0], "video codec").payloadType;
    bitrates.forEach((bitrate, i) => {
      const rid = Buffer.from(this.need(params.encodings?.[i]?.rid, `rid of layer ${i}`));
      const ssrc = 0x10000000 + Math.floor(Math.random() * 0x0fffffff);
      const extensions = [
        { id: extId(MID_URI), payload: mid },
        { id: extId(RID_URI), payload: rid },
      ];
      const video = startVideo(
        (packet) => {
          packet.header.ssrc = ssrc;
          packet.header.extensions = extensions;
          void dtls.sendRtp(packet.payload, packet.header).catch(() => {});
        },
        { bitrate, payloadType },
      );
      // Sender reports tie each layer's RTP clock to wall time; the SFU needs them to switch layers.
      const reports = setInterval(() => {
        const now = Date.now();
        const senderInfo = new RtcpSenderInfo({
          ntpTimestamp: ntpTimestamp(now),
          rtpTimestamp: video.rtpTimestampAt?.(now) ?? 0,
          packetCount: video.packets,
          octetCount: video.bytes,
        });
        void dtls.sendRtcp([new RtcpSrPacket({ ssrc, senderInfo })]).catch(() => {});
      }, 500);
      this.sources.push({
        get packets() {
          return video.packets;
        },
        get bytes() {
          return video.bytes;
        },
        stop: () => {
          video.stop();
          clearInterval(reports);
        },
      });
    });
    this.producers.set("camera", producer);
    return producer;
  }

  /** Where the event log ends now: pass it to waitFor to ignore what was heard before. */
  mark(): number {
    return this.events.length;
  }

  /** Resolves with the first event from index `from` of the log on (past or future) that passes `test`. */
  waitFor(what: string, test: (e: CallEvent) => boolean, timeoutMs = 10_000, from = 0): Promise<CallEvent> {
    const seen = this.events.slice(from).find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const entry = { test, resolve };
      this.waiting.push(entry);
      setTimeout(() => {
        const i = this.waiting.indexOf(entry);
        if (i < 0) return;
        this.waiting.splice(i, 1);
        reject(
          new Error(
            `${this.name}: no ${what} within ${timeoutMs} ms; heard ${this.events.map((e) => e.type).join(", ") || "nothing"}`,
          ),
        );
      }, timeoutMs);
    });
  }

  /** Packets received so far on each open consumer, keyed by the producing peer and kind. */
  received(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.consumers.values()) if (!r.closed) out.set(`${r.info.peerId}/${r.info.kind}`, r.packets);
    return out;
  }

  stopMedia() {
    for (const s of this.sources.splice(0)) s.stop();
  }

  /** Closes the local side only (what a crashed client does); the SFU hears nothing from it. */
  close() {
    this.stopMedia();
    this.sendTransport?.close();
    this.recvTransport?.close();
  }

  private need<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw new Error(`${this.name}: no ${what} yet; call start() first`);
    return value;
  }
}
