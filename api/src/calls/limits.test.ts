import { describe, expect, test } from "vitest";
import { CALL_FRAME_LIMITS, CallFrameLimits, frameClass } from "./limits.js";

describe("call frame limits", () => {
  test("each class has its own allowance per socket and 10 s window", () => {
    const limits = new CallFrameLimits();
    for (let i = 0; i < CALL_FRAME_LIMITS.updates; i++) limits.hit("s1", "call.raiseHand", 1000);
    expect(() => limits.hit("s1", "call.setMuted", 2000)).toThrow(expect.objectContaining({ code: "rate_limited" }));
    // Another class, and another socket, are untouched; a new window starts afresh.
    expect(() => limits.hit("s1", "call.consume", 2000)).not.toThrow();
    expect(() => limits.hit("s2", "call.raiseHand", 2000)).not.toThrow();
    expect(() => limits.hit("s1", "call.raiseHand", 11_000)).not.toThrow();
  });

  test("the wait is the rest of the window, at least a second", () => {
    const limits = new CallFrameLimits();
    for (let i = 0; i <= CALL_FRAME_LIMITS.calls; i++) {
      try {
        limits.hit("s", "call.join", 0);
      } catch (error) {
        expect(error).toMatchObject({ details: { retryAfterSeconds: 10 } });
      }
    }
    expect(() => limits.hit("s", "call.join", 9990)).toThrow(
      expect.objectContaining({ details: { retryAfterSeconds: 1 } }),
    );
  });

  test("frames are classed by what they cost", () => {
    expect(frameClass("call.produce")).toBe("updates");
    expect(frameClass("call.resumeConsumer")).toBe("media");
    expect(frameClass("call.start")).toBe("calls");
  });
});
