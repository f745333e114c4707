// What media the SFU routes, and what clients are asked to send.
import type { types as ms } from "mediasoup";
import type { MediaSource } from "./protocol.js";

/** Opus for audio, VP8 for video (camera and screen). Every router of every call uses these. */
export const mediaCodecs: ms.RtpCodecCapability[] = [
  { kind: "audio", mimeType: "audio/opus", clockRate: 48000, channels: 2 },
  { kind: "video", mimeType: "video/VP8", clockRate: 90000, parameters: { "x-google-start-bitrate": 1000 } },
];

/**
 * Camera video is sent as three simulcast layers (quarter, half and full resolution); the SFU forwards to
 * each receiver the best layer its bandwidth and its preferred layers allow. The web client uses these.
 */
export const cameraSimulcastEncodings = [
  { rid: "r0", scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: "r1", scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: "r2", scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
] as const;
export const MAX_SIMULCAST_LAYERS = 3;

export const kindOfSource: Record<MediaSource, ms.MediaKind> = {
  mic: "audio",
  camera: "video",
  screen: "video",
  screenAudio: "audio",
};

/** Audio producers feed active-speaker detection; this often it may change its mind (ms). */
export const ACTIVE_SPEAKER_INTERVAL_MS = 300;
