// Test helpers that web/ and admin/ tests use too (through "api/test-support"). The real SFU process is
// here for the web client's call tests (web/ does not depend on sfu/ itself).

export { requireWorker, type SfuProcess, startSfu } from "sfu/test-support/sfu-process";
export { SESSION_COOKIE } from "../../src/middleware/session/index.js";
export { chromiumPath, launchChromium, SCREEN_WIDTHS, screenshotWidths, watchPolicy } from "./browser.js";
export { type CallMember, joinCall, leaveAll } from "./call-member.js";
export { parseCsv } from "./csv.js";
export { type FcmEndpoint, type FcmRequest, startFcmEndpoint } from "./fcm-endpoint.js";
export { createChannel, createUser } from "./fixtures.js";
// For scripts outside vitest (web/scripts/bench-ui.ts): the run's template database, made and dropped.
export { setup as createRunTemplate, teardown as dropRunDatabases } from "./global-setup.js";
export { channelIdByName, historyBody, messageIdAt, seedHistory, userIdByEmail } from "./history.js";
export { testPng } from "./images.js";
export {
  type ApiProcess,
  freePort,
  type ProcessHandle,
  startApi,
  startNotifierProcess,
  startPersister,
} from "./processes.js";
export { sessionToken, TestSocket, waitFor } from "./socket-client.js";
export { createTestStack, type TestStack } from "./stack.js";
