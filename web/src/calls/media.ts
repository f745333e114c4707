// The browser's media side of a call, free of the SFU: which devices there are, getting the camera and
// microphone (and saying why not), the microphone's level, and what a tile of a given size should receive.

export type DeviceChoice = { mic: string | null; camera: string | null; speaker: string | null };
export type DeviceList = { mics: MediaDeviceInfo[]; cameras: MediaDeviceInfo[]; speakers: MediaDeviceInfo[] };
/** Why a device could not be had: the person said no, there is none, or it is busy or broken. */
export type MediaProblem = "denied" | "none" | "failed";

export async function listDevices(): Promise<DeviceList> {
  const all = await navigator.mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
  // Before a permission is granted, devices have no ids; those are not choices yet.
  const real = all.filter((d) => d.deviceId !== "");
  return {
    mics: real.filter((d) => d.kind === "audioinput"),
    cameras: real.filter((d) => d.kind === "videoinput"),
    speakers: real.filter((d) => d.kind === "audiooutput"),
  };
}

export function problemOf(error: unknown): MediaProblem {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "none";
  return "failed";
}

export const problemText: Record<MediaProblem, (what: string) => string> = {
  denied: (what) =>
    `Your browser blocked the ${what}. Allow it in the address bar's site settings, or join to listen and watch.`,
  none: (what) => `No ${what} was found. You can still join to listen and watch.`,
  failed: (what) => `The ${what} could not be started (is another app using it?). You can still join without it.`,
};

/** One track of `kind`, from the chosen device when there is one. */
export async function getTrack(kind: "audio" | "video", deviceId: string | null): Promise<MediaStreamTrack> {
  const constraints: MediaStreamConstraints =
    kind === "audio"
      ? {
          audio: {
            ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
            echoCancellation: true,
            noiseSuppression: true,
          },
        }
      : {
          video: {
            ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
            width: { ideal: 1280 },
            height: { ideal: 720 },
          },
        };
  const stream = await navigator.mediaDevices.getUserMedia(constraints);
  const track = kind === "audio" ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
  if (!track) throw new DOMException("no track", "NotFoundError");
  return track;
}

/** The screen, a window or a tab, as the person picks it; null when they cancel. */
export async function getScreen(): Promise<MediaStreamTrack | null> {
  try {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 15 }, audio: false });
    return stream.getVideoTracks()[0] ?? null;
  } catch (error) {
    if (problemOf(error) === "denied") return null;
    throw error;
  }
}

/** Calls `onLevel` with the microphone's loudness (0…1) about 20 times a second until stopped. */
export function meterLevel(track: MediaStreamTrack, onLevel: (level: number) => void): () => void {
  const context = new AudioContext();
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    // RMS to a 0…1 scale where speech sits around the middle.
    onLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
  }, 50);
  void context.resume().catch(() => {});
  return () => {
    clearInterval(timer);
    source.disconnect();
    void context.close().catch(() => {});
  };
}

/**
 * Camera video goes out as three simulcast layers, as the SFU asks (sfu/src/media.ts, where these are
 * explained; the SFU checks the bitrates against its per-participant limit).
 */
export const CAMERA_ENCODINGS = [
  { rid: "r0", scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: "r1", scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: "r2", scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];
/** A screen share is one layer; with the camera's 1.85 Mbps it stays under the SFU's 3 Mbps default. */
export const SCREEN_ENCODINGS = [{ maxBitrate: 1_000_000 }];

/** The simulcast layer a tile this tall (CSS pixels) should get: quarter, half or full resolution. */
export function layerForHeight(height: number): 0 | 1 | 2 {
  if (height < 200) return 0;
  if (height < 420) return 1;
  return 2;
}
