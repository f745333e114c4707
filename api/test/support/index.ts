// Test helpers that web/ and admin/ tests use too (through "api/test-support").
export { chromiumPath, launchChromium } from "./browser.js";
export { createChannel, createUser } from "./fixtures.js";
export { type ApiProcess, freePort, type ProcessHandle, startApi, startPersister } from "./processes.js";
export { sessionToken, TestSocket, waitFor } from "./socket-client.js";
export { createTestStack, type TestStack } from "./stack.js";
