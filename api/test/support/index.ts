// Test helpers that web/ and admin/ tests use too (through "api/test-support").
export { chromiumPath, launchChromium } from "./browser.js";
export { type ApiProcess, freePort, type ProcessHandle, startApi, startPersister } from "./processes.js";
