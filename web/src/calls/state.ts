// What the page shows of the call it is in: a Solid store the controller writes and components read.
// Tracks are kept as they are (a store wraps only plain objects), so components can attach them.
import type { CallEvent, CallPeer } from "api/client";
import { createStore } from "solid-js/store";

export type CallPhase = "idle" | "joining" | "live" | "reconnecting" | "ended";
export type EndReason = Extract<CallEvent, { type: "callEnded" }>["reason"] | "removed" | "missed" | "failed";

/** A stream this page receives (one consumer). */
export type Received = {
  consumerId: string;
  peerId: string;
  kind: "audio" | "video";
  source: "mic" | "camera" | "screen" | "screenAudio";
  track: MediaStreamTrack;
  simulcast: boolean;
  /** The sender paused it (muted). */
  producerPaused: boolean;
};

export type CallState = {
  phase: CallPhase;
  channelId: string | null;
  callId: string | null;
  /** This page's participant. */
  peerId: string | null;
  peers: Record<string, CallPeer>;
  received: Record<string, Received>;
  activeSpeaker: string | null;
  local: {
    mic: MediaStreamTrack | null;
    camera: MediaStreamTrack | null;
    screen: MediaStreamTrack | null;
    micOn: boolean;
    cameraOn: boolean;
    hand: boolean;
  };
  ended: { reason: EndReason; durationMs?: number } | null;
  /** The last action that failed, said plainly. */
  error: string | null;
};

export const emptyCall = (): CallState => ({
  phase: "idle",
  channelId: null,
  callId: null,
  peerId: null,
  peers: {},
  received: {},
  activeSpeaker: null,
  local: { mic: null, camera: null, screen: null, micOn: false, cameraOn: false, hand: false },
  ended: null,
  error: null,
});

export function createCallState() {
  return createStore<CallState>(emptyCall());
}
export type CallStore = ReturnType<typeof createCallState>;

export const endText: Record<EndReason, string> = {
  empty: "The call ended.",
  ended: "An admin ended the call.",
  shutdown: "The call server was shut down, and the call with it.",
  workerDied: "The call server lost this call's media. Start it again to carry on.",
  sfuLost: "The call server went away, and the call with it. Start it again when it is back.",
  removed: "You were removed from the call.",
  missed: "The call ended while you were reconnecting.",
  failed: "The call could not be joined.",
};
