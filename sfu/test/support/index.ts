// What the API's call tests borrow from here (through "sfu/test-support"): the real SFU process and the
// Node WebRTC peer.

export { freeMediaPort, freePort } from "./ports.js";
export { SILENCE, speechLevel } from "./rtp-source.js";
export { requireWorker, type SfuProcess, startSfu, workerBin } from "./sfu-process.js";
export { type PeerSignal, type Received, TestPeer } from "./test-peer.js";
