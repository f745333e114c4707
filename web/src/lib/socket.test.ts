// The socket module's retry when the browser's WebSocket constructor throws (it does, synchronously, for a
// blocked port or a URL it refuses): the attempt must count as a dropped connection, so the banner says
// "Reconnecting in N s" and a new attempt follows with backoff, instead of an uncaught exception and a
// banner stuck on "Connecting…". A constructor stand-in is the only way to make a browser throw on demand.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChatSocket } from "./socket";

let attempts = 0;
let throwsFor = 0;

class ThrowingWebSocket {
  static OPEN = 1;
  readyState = 0;
  onmessage: unknown = null;
  onclose: unknown = null;
  constructor(readonly url: URL) {
    attempts += 1;
    if (attempts <= throwsFor) throw new DOMException("The port is blocked", "SyntaxError");
  }
  close() {}
}

beforeEach(() => {
  attempts = 0;
  vi.useFakeTimers();
  vi.stubGlobal("location", { href: "http://localhost:25001/" });
  vi.stubGlobal("WebSocket", ThrowingWebSocket);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function socketRecording() {
  const statuses: string[] = [];
  const retries: number[] = [];
  const socket = new ChatSocket({
    positions: () => ({}),
    onFrame: () => {},
    onResumed: () => {},
    onStatus: (s) => statuses.push(s),
    onRetry: (at) => retries.push(at - Date.now()),
    onEnded: () => {},
  });
  return { socket, statuses, retries };
}

describe("ChatSocket when new WebSocket throws", () => {
  it("reports offline with a retry time and tries again with growing backoff until one opens", () => {
    throwsFor = 3;
    const { socket, statuses, retries } = socketRecording();
    expect(() => socket.start()).not.toThrow();
    expect(statuses).toEqual(["connecting", "offline"]);
    expect(retries).toHaveLength(1);
    // Backoff 300 ms × 2^attempt with jitter of 50–100 %: each wait fits its own window.
    for (let i = 1; i < 3; i++) {
      vi.advanceTimersToNextTimer();
      expect(attempts).toBe(i + 1);
    }
    expect(retries).toHaveLength(3);
    retries.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(150 * 2 ** i);
      expect(ms).toBeLessThanOrEqual(300 * 2 ** i);
    });
    vi.advanceTimersToNextTimer();
    expect(attempts).toBe(4); // the fourth constructor call succeeds: connecting, no further retry
    expect(statuses.at(-1)).toBe("connecting");
    expect(retries).toHaveLength(3);
    socket.stop();
  });

  it("stops retrying once stopped, and 'Try now' skips the wait", () => {
    throwsFor = 100;
    const { socket } = socketRecording();
    socket.start();
    socket.reconnectNow();
    expect(attempts).toBe(2);
    socket.stop();
    vi.advanceTimersByTime(60_000);
    expect(attempts).toBe(2);
  });
});
