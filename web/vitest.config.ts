import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The API's run-wide template database, for tests that use api/test-support's createTestStack.
    globalSetup: ["../api/test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 200_000,
  },
});
