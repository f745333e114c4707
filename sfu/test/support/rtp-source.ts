// Synthetic media for test peers: RTP packets shaped like Opus and VP8 (the SFU forwards payloads, it
// never decodes them, but it does read VP8 payload descriptors to find keyframes and the audio-level
// header extension to find the active speaker), written into a werift track at a real-time pace.
import { type MediaStreamTrack, RtpHeader, RtpPacket } from "msc-node";

export type RtpSource = {
  stop(): void;
  readonly packets: number;
  readonly bytes: number;
  /** The RTP timestamp this stream's clock shows at wall-clock time `ms` (for sender reports). */
  rtpTimestampAt?(ms: number): number;
};

/** A wall-clock time as a 64-bit NTP timestamp (RTCP sender reports carry it). */
export function ntpTimestamp(ms: number): bigint {
  const seconds = BigInt(Math.floor(ms / 1000) + 2_208_988_800);
  const fraction = BigInt(Math.floor(((ms % 1000) / 1000) * 2 ** 32));
  return (seconds << 32n) | fraction;
}

/** Opus-like audio: one 20 ms packet at a time. `level` is the RFC 6464 level: 0 loud … 127 silence. */
export function startAudio(
  track: MediaStreamTrack,
  opts: { audioLevelId?: number; level?: () => number } = {},
): RtpSource {
  let seq = 0;
  let timestamp = 0;
  let packets = 0;
  const payload = Buffer.alloc(80, 0x55);
  payload[0] = 0x78; // Opus TOC: SILK-only wideband, 20 ms, one frame
  const timer = setInterval(() => {
    const level = opts.level?.() ?? 127;
    const extensions =
      opts.audioLevelId === undefined
        ? []
        : [{ id: opts.audioLevelId, payload: Buffer.from([(level < 127 ? 0x80 : 0) | level]) }];
    const header = new RtpHeader({
      sequenceNumber: seq,
      timestamp,
      payloadType: 100,
      extension: extensions.length > 0,
      extensions,
    });
    track.writeRtp(new RtpPacket(header, payload));
    seq = (seq + 1) & 0xffff;
    timestamp = (timestamp + 960) >>> 0;
    packets++;
  }, 20);
  return {
    stop: () => clearInterval(timer),
    get packets() {
      return packets;
    },
    get bytes() {
      return packets * payload.length;
    },
  };
}

/**
 * A VP8 RTP payload as browsers send it: an extended descriptor (picture id, TL0PICIDX, temporal index),
 * then the frame header on the first packet of a frame; keyframes carry the 0x9d012a start code.
 */
export function vp8Payload(opts: { first: boolean; keyframe: boolean; size: number; pictureId: number }): Buffer {
  const p = Buffer.alloc(Math.max(opts.size, 20), 0x33);
  p[0] = opts.first ? 0x90 : 0x80; // X=1, S=start of partition 0 on the first packet only
  p[1] = 0xe0; // I, L, T present
  p[2] = 0x80 | ((opts.pictureId >> 8) & 0x7f); // 15-bit picture id
  p[3] = opts.pictureId & 0xff;
  p[4] = opts.pictureId & 0xff; // TL0PICIDX: every frame is in temporal layer 0
  p[5] = 0x00; // TID 0
  if (!opts.first) return p;
  // Frame tag: bit 0 is 0 for a keyframe; show_frame; first partition size in the top bits.
  p.writeUIntLE((opts.keyframe ? 0 : 1) | (1 << 4) | (100 << 5), 6, 3);
  if (opts.keyframe) {
    p[9] = 0x9d;
    p[10] = 0x01;
    p[11] = 0x2a;
    p.writeUInt16LE(640, 12);
    p.writeUInt16LE(360, 14);
  }
  return p;
}

/**
 * VP8-like video at `fps` frames per second and about `bitrate` bps, a keyframe every `keyframeEvery`
 * frames. Frames over ~1100 bytes are split over several packets (marker on the last).
 */
export function startVideo(
  write: (packet: RtpPacket) => void,
  opts: { fps?: number; bitrate?: number; keyframeEvery?: number; payloadType?: number; ssrc?: number } = {},
): RtpSource {
  const fps = opts.fps ?? 15;
  const frameBytes = Math.round((opts.bitrate ?? 150_000) / 8 / fps);
  const keyEvery = opts.keyframeEvery ?? fps;
  let seq = Math.floor(Math.random() * 0xffff);
  const ts0 = Math.floor(Math.random() * 0x7fffffff);
  const t0 = Date.now();
  const rtpTimestampAt = (ms: number) => (ts0 + Math.round((ms - t0) * 90)) >>> 0;
  let frame = 0;
  let packets = 0;
  let bytes = 0;
  const timer = setInterval(() => {
    const keyframe = frame % keyEvery === 0;
    const timestamp = rtpTimestampAt(Date.now());
    const parts = Math.max(1, Math.ceil(frameBytes / 1100));
    for (let i = 0; i < parts; i++) {
      const size = Math.ceil(frameBytes / parts);
      const payload = vp8Payload({ first: i === 0, keyframe, size, pictureId: frame & 0x7fff });
      const header = new RtpHeader({
        sequenceNumber: seq,
        timestamp,
        payloadType: opts.payloadType ?? 101,
        marker: i === parts - 1,
        ...(opts.ssrc === undefined ? {} : { ssrc: opts.ssrc }),
      });
      write(new RtpPacket(header, payload));
      seq = (seq + 1) & 0xffff;
      packets++;
      bytes += payload.length;
    }
    frame++;
  }, 1000 / fps);
  return {
    stop: () => clearInterval(timer),
    get packets() {
      return packets;
    },
    get bytes() {
      return bytes;
    },
    rtpTimestampAt,
  };
}

/** Audio levels that look like speech to the active-speaker detector (it ignores a steady level). */
export function speechLevel(): number {
  const syllable = Math.floor(Date.now() / 150) % 3;
  return syllable === 2 ? 70 + Math.floor(Math.random() * 20) : 5 + Math.floor(Math.random() * 20);
}
export const SILENCE = 127;
