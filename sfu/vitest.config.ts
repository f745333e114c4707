import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file starts a real SFU and real WebRTC peers; two cores cannot run many at once.
    maxWorkers: 1,
  },
});
