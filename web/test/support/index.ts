// The browser test helpers admin/ tests use too (through "web/test-support"), so the dashboard's tests
// stand up the same world and make people the same way as the web client's.

export { type ChunkFailure, checkChunkFailure } from "./chunk-failure";
export { type EmbeddedApp, embeddedApp } from "./embedded-app";
export { makePerson, OWNER, ownerCookie, type Person, post } from "./people";
export { cookieOf, type HttpAnswer, startWebStack, type WebStack } from "./web-stack";
