// How many consumers one mediasoup worker (one core) forwards a 500 kbps VP8 stream to, on loopback.
// One producer (a PlainTransport fed by a UDP socket here) and N consumers, each on its own SRTP
// PlainTransport (so the worker encrypts every copy, as it does for WebRTC) sending to UDP sinks here that
// count packets and sequence gaps. N grows step by step until the worker's CPU or the loss passes its
// limit, or time runs out. Prints each step; writes its section of BENCHMARKS.md.
//
//   node --import tsx scripts/bench-consumers.ts        (BENCH_MAX_SECONDS, BENCH_STEPS to change bounds)
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { vp8Payload } from "../test/support/rtp-source.js";
import { workerBin } from "../test/support/sfu-process.js";

const BITRATE = 500_000;
const FPS = 30;
const MEASURE_MS = 4000;
const MAX_SECONDS = Number(process.env.BENCH_MAX_SECONDS ?? 150);
const STEPS = (process.env.BENCH_STEPS ?? "50,100,200,300,400,450,500,600,800").split(",").map(Number);
const CPU_LIMIT = 0.9; // of one core
const LOSS_LIMIT = 0.01;
const SINKS = 4;

const { bin, missing } = workerBin();
if (!bin) {
  console.error(`bench-consumers: ${missing}`);
  process.exit(1);
}
process.env.MEDIASOUP_WORKER_BIN = bin;
const mediasoup = await import("mediasoup");
const { mediaCodecs } = await import("../src/media.js");

const started = Date.now();
// Other processes on the machine take cores from the worker and from this script: say how busy it was.
const loadAtStart = os.loadavg()[0] ?? 0;
if (loadAtStart > os.cpus().length / 2) {
  console.log(
    `bench-consumers: note: load average ${loadAtStart.toFixed(1)} on ${os.cpus().length} cores; results will be pessimistic`,
  );
}
const worker = await mediasoup.createWorker({ logLevel: "error", rtcMinPort: 46000, rtcMaxPort: 47999 });
const router = await worker.createRouter({ mediaCodecs });

// The producer: RTP from a local UDP socket (comedia: the worker learns our address from the first packet).
const ingress = await router.createPlainTransport({ listenIp: "127.0.0.1", rtcpMux: true, comedia: true });
const ssrc = 0x1234_5678;
const producer = await ingress.produce({
  kind: "video",
  rtpParameters: {
    codecs: [
      { mimeType: "video/VP8", payloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: "nack", parameter: "pli" }] },
    ],
    encodings: [{ ssrc }],
  },
});
const sender = createSocket("udp4");
const frameBytes = Math.round(BITRATE / 8 / FPS);
const parts = Math.ceil(frameBytes / 1100);
let seq = 0;
let frame = 0;
let sentPackets = 0;
const sendStart = Date.now();
function sendFrame() {
  const timestamp = (frame * (90000 / FPS)) >>> 0;
  for (let i = 0; i < parts; i++) {
    const payload = vp8Payload({
      first: i === 0,
      keyframe: frame % FPS === 0,
      size: Math.ceil(frameBytes / parts),
      pictureId: frame & 0x7fff,
    });
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (i === parts - 1 ? 0x80 : 0) | 101;
    header.writeUInt16BE(seq, 2);
    header.writeUInt32BE(timestamp, 4);
    header.writeUInt32BE(ssrc, 8);
    sender.send(Buffer.concat([header, payload]), ingress.tuple.localPort, "127.0.0.1");
    seq = (seq + 1) & 0xffff;
    sentPackets++;
  }
  frame++;
}
// Paced by the wall clock (timers drift): every tick sends the frames that are due.
const sendTimer = setInterval(() => {
  const due = Math.floor(((Date.now() - sendStart) * FPS) / 1000);
  // After a stall (this process busy creating consumers) skip ahead rather than send a burst.
  if (due - frame > 3) frame = due - 1;
  while (frame < due) sendFrame();
}, 5);

// The sinks run in their own thread (bench-sink.mjs) and report totals when asked.
type SinkSnapshot = { at: number; flows: [number, { packets: number; bytes: number; last: number }][] };
const sinkThread = new Worker(new URL("./bench-sink.mjs", import.meta.url), { workerData: { sockets: SINKS } });
const sinkPorts = await new Promise<number[]>((resolve, reject) => {
  sinkThread.once("message", (m: { ports: number[] }) => resolve(m.ports));
  sinkThread.once("error", reject);
});
const snapshot = () =>
  new Promise<Map<number, { packets: number; bytes: number; last: number }>>((resolve) => {
    sinkThread.once("message", (m: SinkSnapshot) => resolve(new Map(m.flows)));
    sinkThread.postMessage("snapshot");
  });

const consumers: { transport: Awaited<ReturnType<typeof router.createPlainTransport>> }[] = [];
async function addConsumer(i: number) {
  const transport = await router.createPlainTransport({
    listenIp: "127.0.0.1",
    rtcpMux: true,
    comedia: false,
    enableSrtp: true,
  });
  await transport.connect({
    ip: "127.0.0.1",
    port: sinkPorts[i % SINKS] ?? 0,
    srtpParameters: { cryptoSuite: "AES_CM_128_HMAC_SHA1_80", keyBase64: randomBytes(30).toString("base64") },
  });
  await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
  consumers.push({ transport });
}

const cpuSeconds = async () => {
  const ru = await worker.getResourceUsage();
  return (ru.ru_utime + ru.ru_stime) / 1000;
};

const mbps = (v: number) => v.toFixed(0);
type Row = {
  consumers: number;
  cpu: number;
  scriptCpu: number;
  sourceKbps: number;
  forwardedMbps: number;
  loss: number;
  ok: boolean;
};
const rows: Row[] = [];
console.log(
  `bench-consumers: one worker (pid ${worker.pid}), one ${BITRATE / 1000} kbps VP8 stream at ${FPS} fps, SRTP consumers on loopback`,
);
for (const target of STEPS) {
  if ((Date.now() - started) / 1000 + MEASURE_MS / 1000 + 3 > MAX_SECONDS) {
    console.log(`bench-consumers: stopping before ${target} consumers: the ${MAX_SECONDS} s budget is spent`);
    break;
  }
  process.stdout.write(`  ${String(target).padStart(5)} consumers: adding ...`);
  while (consumers.length < target && (Date.now() - started) / 1000 < MAX_SECONDS) await addConsumer(consumers.length);
  if (consumers.length < target) {
    console.log(`\nbench-consumers: the ${MAX_SECONDS} s budget ran out while adding consumers`);
    break;
  }
  await new Promise((r) => setTimeout(r, 1500)); // every consumer past its first keyframe
  const before = await snapshot();
  const cpu0 = await cpuSeconds();
  const own0 = process.cpuUsage();
  const sent0 = sentPackets;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const after = await snapshot();
  const cpu1 = await cpuSeconds();
  const own = process.cpuUsage(own0);
  const sent1 = sentPackets;
  const wall = (Date.now() - t0) / 1000;
  let received = 0;
  let expected = 0;
  let bytes = 0;
  let streams = 0;
  for (const [s, f] of after) {
    const b = before.get(s);
    if (!b) continue;
    streams++;
    received += f.packets - b.packets;
    expected += f.last - b.last;
    bytes += f.bytes - b.bytes;
  }
  const forwardedMbps = (bytes * 8) / wall / 1e6;
  const cpu = (cpu1 - cpu0) / wall;
  const scriptCpu = (own.user + own.system) / 1e6 / wall;
  const loss = expected > 0 ? Math.max(0, 1 - received / expected) : 1;
  const sourceKbps = ((sent1 - sent0) * (frameBytes / parts + 12) * 8) / wall / 1000;
  const ok = cpu < CPU_LIMIT && loss <= LOSS_LIMIT && streams >= target;
  rows.push({ consumers: target, cpu, scriptCpu, sourceKbps, forwardedMbps, loss, ok });
  console.log(
    `\r  ${String(target).padStart(5)} consumers: worker CPU ${(cpu * 100).toFixed(0).padStart(3)}% of a core, ` +
      `forwarding ${mbps(forwardedMbps)} Mbit/s (source ${sourceKbps.toFixed(0)} kbps), loss ${(loss * 100).toFixed(2)}%, ` +
      `streams ${streams}, this script ${(scriptCpu * 100).toFixed(0)}% CPU${ok ? "" : "  <- over the limit"}`,
  );
  if (!ok) break;
}
clearInterval(sendTimer);
sender.close();
await sinkThread.terminate();
worker.close();

const sustained = rows.filter((r) => r.ok).at(-1)?.consumers ?? 0;
const verdict = sustained >= 200 ? "met" : "MISSED";
console.log(
  `bench-consumers: one worker sustains ${sustained} consumers (target >= 200: ${verdict}); sent ${sentPackets} packets`,
);

const cpuModel = os.cpus()[0]?.model ?? "unknown CPU";
const section = [
  "<!-- bench-consumers:start -->",
  "## SFU consumers per worker (`sfu/scripts/bench-consumers.ts`)",
  "",
  `One mediasoup ${mediasoup.version} worker (one core) forwarding one ${BITRATE / 1000} kbps VP8 stream (${FPS} fps, ${parts} packets a frame, a keyframe a second) to N consumers, each on its own SRTP PlainTransport, so the worker encrypts every copy as it does for WebRTC. Loopback only; the UDP source runs in the script's Node process and ${SINKS} sink sockets in a thread of it, on the other core. Each row: ${MEASURE_MS / 1000} s measured after a 1.5 s warm-up. Loss = sequence gaps at the sinks. A row passes with CPU < ${CPU_LIMIT * 100}% of a core and loss <= ${LOSS_LIMIT * 100}%.`,
  `Machine: ${os.cpus().length} cores (${cpuModel}), ${Math.round(os.totalmem() / 2 ** 30)} GiB memory, Node ${process.version}. Load average at the start ${loadAtStart.toFixed(1)}. Run ${new Date().toISOString().slice(0, 10)}.`,
  "",
  "| consumers | worker CPU (% of a core) | source kbps | forwarded Mbit/s (at the sinks) | loss | script CPU | passes |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ...rows.map(
    (r) =>
      `| ${r.consumers} | ${(r.cpu * 100).toFixed(0)} | ${r.sourceKbps.toFixed(0)} | ${mbps(r.forwardedMbps)} | ${(r.loss * 100).toFixed(2)}% | ${(r.scriptCpu * 100).toFixed(0)}% | ${r.ok ? "yes" : "no"} |`,
  ),
  "",
  `**Sustained: ${sustained} consumers per worker core** (target ≥ 200: ${verdict}).${rows.at(-1)?.ok ? " The last step passed: the limit is higher than measured (raise BENCH_STEPS / BENCH_MAX_SECONDS)." : ""}`,
  "<!-- bench-consumers:end -->",
].join("\n");

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../BENCHMARKS.md");
let doc = "# Benchmarks\n\nEach section is written by the script it names; re-run the script to refresh it.\n";
try {
  doc = readFileSync(file, "utf8");
} catch {}
const pattern = /<!-- bench-consumers:start -->[\s\S]*?<!-- bench-consumers:end -->/;
doc = pattern.test(doc) ? doc.replace(pattern, section) : `${doc.trimEnd()}\n\n${section}\n`;
writeFileSync(file, doc);
// The repository's formatter aligns Markdown tables; run it so the lint check stays green.
const biome = path.resolve(path.dirname(file), "node_modules/.bin/biome");
spawnSync(biome, ["format", "--write", file], { stdio: "ignore" });
console.log(`bench-consumers: wrote its section of ${file}`);
process.exit(0);
