import { defineConfig } from "vitest/config";

// One id per run (ops/test sets it; by hand it is made here, before workers start, so they inherit it):
// runs sharing this machine's services never touch each other's databases, keys or topics.
process.env.PARLEY_TEST_RUN_ID ??= `l${Date.now().toString(36)}${process.pid}`;

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The API's run-wide template database, for tests that use api/test-support's createTestStack.
    globalSetup: ["../api/test/support/global-setup.ts"],
    testTimeout: 60_000,
    // expect.poll waits for a real server and browser; vitest's 1 s default fails on a loaded two-core box.
    // Polls that need longer still say so per call; this only lifts the floor.
    expect: { poll: { timeout: 20_000 } },
    hookTimeout: 200_000,
  },
});
