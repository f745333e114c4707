// Issue #15's first-paint budget on the build the browser tests use (turbo builds web/dist before them): a
// size, not a time, so it holds on any machine. It once went 155.9 KB unseen, when a top-level import pulled
// mediasoup-client into the first chunk; `scripts/bench-bundle.ts` prints the per-chunk table.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIRST_PAINT_BUDGET_KB, firstPaintJs } from "../scripts/first-paint.js";

describe("first paint", () => {
  it(`loads at most ${FIRST_PAINT_BUDGET_KB} KB of gzipped JavaScript before anything lazy`, () => {
    const { initial, total, lazy } = firstPaintJs(path.join(import.meta.dirname, "..", "dist"));
    console.log(
      `first paint: ${total.toFixed(1)} KB gzipped in ${initial.length} chunk(s); ${lazy.length} lazy chunk(s)`,
    );
    expect(initial.length).toBeGreaterThan(0);
    expect(total, initial.map((c) => `${c.file} ${c.kb.toFixed(1)} KB`).join(", ")).toBeLessThanOrEqual(
      FIRST_PAINT_BUDGET_KB,
    );
  });
});
