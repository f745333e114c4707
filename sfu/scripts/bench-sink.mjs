// The benchmark's receiving end, in its own thread so that nothing the main thread does (creating
// consumers) delays reading: UDP sockets that count, per consumer SSRC, packets, bytes and the highest
// sequence number seen (gaps = loss), and answer "snapshot" with those totals. Plain JavaScript: a worker
// thread does not get tsx's loader.
import { createSocket } from "node:dgram";
import { parentPort, workerData } from "node:worker_threads";

/** mediasoup's bandwidth probation packets (one SSRC shared by all transports): not media, not counted. */
const PROBATION_PT = 127;
/** @type {Map<number, { packets: number, bytes: number, last: number }>} */
const flows = new Map();
/** @type {number[]} */
const ports = [];

for (let i = 0; i < workerData.sockets; i++) {
  const sink = createSocket({ type: "udp4", recvBufferSize: 4 * 1024 * 1024 });
  await new Promise((resolve) => sink.bind(0, "127.0.0.1", resolve));
  sink.on("message", (msg) => {
    const pt = (msg[1] ?? 0) & 0x7f;
    const isRtcp = (msg[1] ?? 0) >= 192 && (msg[1] ?? 0) <= 223; // RFC 5761 demultiplexing
    if (msg.length < 12 || isRtcp || pt === PROBATION_PT) return;
    const ssrc = msg.readUInt32BE(8);
    const seq = msg.readUInt16BE(2);
    const flow = flows.get(ssrc);
    if (!flow) {
      flows.set(ssrc, { packets: 1, bytes: msg.length, last: seq });
      return;
    }
    flow.packets++;
    flow.bytes += msg.length;
    const ahead = (seq - (flow.last & 0xffff) + 0x10000) & 0xffff;
    if (ahead > 0 && ahead < 0x8000) flow.last += ahead;
  });
  ports.push(sink.address().port);
}

parentPort?.on("message", (message) => {
  if (message === "snapshot") {
    parentPort?.postMessage({ at: Date.now(), flows: [...flows].map(([s, f]) => [s, { ...f }]) });
  } else if (message === "stop") process.exit(0);
});
parentPort?.postMessage({ ports });
