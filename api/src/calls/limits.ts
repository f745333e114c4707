// Per-socket limits on call frames. A socket is on one node, so its counters live in this process: no
// round trip to Redis on the media path. Three allowances, because the frames cost differently: what
// every participant hears (mute, hand, screen share, producing) is small; the media setup of joining a
// full call (a consume, resume and layer choice per producer) needs hundreds; joining and looking around
// sits between.
import { tooMany } from "../errors.js";
import type { ClientRequestType } from "../realtime/protocol.js";

export type CallFrameClass = "updates" | "media" | "calls";

const WINDOW_MS = 10_000;
export const CALL_FRAME_LIMITS: Record<CallFrameClass, number> = { updates: 20, media: 400, calls: 30 };

const classOf: Partial<Record<ClientRequestType, CallFrameClass>> = {
  "call.setMuted": "updates",
  "call.raiseHand": "updates",
  "call.stopScreenShare": "updates",
  "call.produce": "updates",
  "call.closeProducer": "updates",
  "call.start": "calls",
  "call.join": "calls",
  "call.leave": "calls",
  "call.list": "calls",
  "call.status": "calls",
  "call.getParticipants": "calls",
  "call.end": "calls",
  "call.removeParticipant": "calls",
};

/** The rest (transports, consuming, layers, stats) is media setup. */
export const frameClass = (type: ClientRequestType): CallFrameClass => classOf[type] ?? "media";

type Window = { startedAt: number; counts: Record<CallFrameClass, number> };

export class CallFrameLimits {
  private readonly windows = new Map<string, Window>();

  /** Counts one frame of `connectionId`; throws 429 rate_limited (with retryAfterSeconds) over its allowance. */
  hit(connectionId: string, type: ClientRequestType, now = Date.now()) {
    let window = this.windows.get(connectionId);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      window = { startedAt: now, counts: { updates: 0, media: 0, calls: 0 } };
      this.windows.set(connectionId, window);
    }
    const kind = frameClass(type);
    window.counts[kind] += 1;
    if (window.counts[kind] > CALL_FRAME_LIMITS[kind]) {
      throw tooMany(Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - now) / 1000)));
    }
  }

  forget(connectionId: string) {
    this.windows.delete(connectionId);
  }
}
