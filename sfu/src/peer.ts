// One participant of a call: its WebRTC transports, producers and consumers, and its presence (mute,
// raised hand). It belongs to the API node (link) that joined it; closing it closes all its media.
import type { types as ms } from "mediasoup";
import type { Link } from "./link.js";
import type { MediaSource, PeerInfo, PeerStats, ProducerInfo } from "./protocol.js";

export type TransportDirection = "send" | "recv";
export type PeerTransport = { transport: ms.WebRtcTransport; direction: TransportDirection };
export type PeerProducer = { producer: ms.Producer; source: MediaSource };
export type PeerConsumer = { consumer: ms.Consumer; source: MediaSource; peerId: string };

export class Peer {
  readonly transports = new Map<string, PeerTransport>();
  readonly producers = new Map<string, PeerProducer>();
  readonly consumers = new Map<string, PeerConsumer>();
  readonly joinedAt = new Date();
  handRaised = false;
  readonly muted = { mic: false, camera: false };
  /** What its device can receive (setRtpCapabilities, once per call); consuming needs it. */
  rtpCapabilities?: ms.RtpCapabilities;
  closed = false;
  /**
   * When its transports last received anything: the check before the one that saw more bytes, so the
   * silence measured is never longer than the real one. Null until its client first connects a
   * transport (its first produce or consume): until then there is no media to be silent, only a person
   * perhaps still answering the camera prompt, and the chat socket's heartbeat is its liveness.
   */
  private heardAt: number | null = null;
  private checkedAt = 0;
  private bytesHeard = 0;

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly displayName: string,
    readonly link: Link,
  ) {}

  producerOf(source: MediaSource): PeerProducer | undefined {
    for (const p of this.producers.values()) if (p.source === source) return p;
    return undefined;
  }

  info(): PeerInfo {
    const producers: ProducerInfo[] = [...this.producers.values()].map(({ producer, source }) => ({
      producerId: producer.id,
      kind: producer.kind,
      source,
      paused: producer.paused,
    }));
    return {
      peerId: this.id,
      userId: this.userId,
      displayName: this.displayName,
      joinedAt: this.joinedAt.toISOString(),
      handRaised: this.handRaised,
      muted: { ...this.muted },
      screenSharing: producers.some((p) => p.source === "screen"),
      producers,
    };
  }

  /** Its client connected a transport: from now on its transports must keep hearing from it. */
  mediaStarted() {
    if (this.heardAt !== null) return;
    this.heardAt = Date.now();
    this.checkedAt = this.heardAt;
  }

  /** How long its transports have received nothing; 0 before its client connected any. */
  async silentForMs(): Promise<number> {
    if (this.heardAt === null) return 0;
    let bytes = 0;
    for (const { transport } of this.transports.values()) {
      if (transport.closed) continue;
      bytes += (await transport.getStats())[0]?.bytesReceived ?? 0;
    }
    if (bytes > this.bytesHeard) {
      this.bytesHeard = bytes;
      this.heardAt = this.checkedAt;
    }
    this.checkedAt = Date.now();
    return this.checkedAt - this.heardAt;
  }

  /** Closing the transports closes every producer and consumer on them (mediasoup cascades). */
  close() {
    if (this.closed) return;
    this.closed = true;
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }

  async stats(): Promise<PeerStats> {
    const transports = await Promise.all(
      [...this.transports.values()].map(async ({ transport, direction }) => {
        const [s] = await transport.getStats();
        return {
          transportId: transport.id,
          direction,
          iceState: transport.iceState,
          dtlsState: transport.dtlsState,
          bytesReceived: s?.bytesReceived ?? 0,
          bytesSent: s?.bytesSent ?? 0,
          rtpBytesReceived: s?.rtpBytesReceived ?? 0,
          rtpBytesSent: s?.rtpBytesSent ?? 0,
          recvBitrate: s?.recvBitrate ?? 0,
          sendBitrate: s?.sendBitrate ?? 0,
          ...(s?.availableOutgoingBitrate === undefined
            ? {}
            : { availableOutgoingBitrate: s.availableOutgoingBitrate }),
        };
      }),
    );
    const producers = await Promise.all(
      [...this.producers.values()].map(async ({ producer, source }) => {
        // One entry per received stream: three for a simulcast camera.
        const streams = await producer.getStats();
        return {
          producerId: producer.id,
          kind: producer.kind,
          source,
          score: Math.max(0, ...streams.map((s) => s.score)),
          bitrate: sum(streams.map((s) => s.bitrate)),
          packets: sum(streams.map((s) => s.packetCount)),
          packetsLost: sum(streams.map((s) => s.packetsLost)),
        };
      }),
    );
    const consumers = await Promise.all(
      [...this.consumers.values()].map(async ({ consumer }) => {
        const out = (await consumer.getStats()).find((s) => s.type === "outbound-rtp");
        return {
          consumerId: consumer.id,
          producerId: consumer.producerId,
          kind: consumer.kind,
          paused: consumer.paused || consumer.producerPaused,
          score: out?.score ?? 0,
          bitrate: out?.bitrate ?? 0,
          packets: out?.packetCount ?? 0,
          bytes: out?.byteCount ?? 0,
          packetsLost: out?.packetsLost ?? 0,
          ...(consumer.currentLayers ? { currentLayers: consumer.currentLayers } : {}),
          ...(consumer.preferredLayers ? { preferredLayers: consumer.preferredLayers } : {}),
        };
      }),
    );
    return { peerId: this.id, transports, producers, consumers };
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
