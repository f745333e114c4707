// How many browser participants one machine holds in one call, and what the SFU's worker spends per
// forwarded stream. Real Chromium pages with fake camera and microphone join one call through the real API,
// SFU (one worker) and mediasoup worker, a few more at each step; after a warm-up the script measures, over
// MEASURE_MS: the streams the SFU forwards (its consumers, as each page's call.getStats reports them), the
// worker's CPU, the machine's CPU, and what the first page receives (video kbps, frames per second of each
// camera, loss) against the frames the senders encoded. A step degrades when the slowest camera at the
// receiver drops below DEGRADED_FPS_SHARE of the senders' rate, loss passes LOSS_LIMIT, or a camera does
// not play. Stops after the first degraded step.
// Prints each step and writes its section of BENCHMARKS.md. Ports: BENCH_PORT_BASE (22010) .. +2.
//
//   cd api && node --import tsx ../web/scripts/bench-call.ts   (api/ has tsx; BENCH_STEPS=2,3,4,6,8 for other steps)
//   Needs PostgreSQL and Redis (PARLEY_TEST_ADMIN_DATABASE_URL, PARLEY_TEST_REDIS_URL), Chromium and the
//   mediasoup worker (MEDIASOUP_WORKER_BIN), as the tests do.
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

process.env.PARLEY_TEST_RUN_ID ??= `benchcall${process.pid}`;
const STEPS = (process.env.BENCH_STEPS ?? "2,3,4,5,6,8").split(",").map(Number);
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 22010);
const WARMUP_MS = 8000;
const MEASURE_MS = 10_000;
const DEGRADED_FPS_SHARE = 0.7;
const LOSS_LIMIT = 0.02;

const { setup, teardown } = await import("../../api/test/support/global-setup.js");
const support = await import("api/test-support");
const page = await import("../test/call-page.js");

const log = (line: string) => console.log(`bench-call: ${line}`);
const loadAtStart = os.loadavg()[0] ?? 0;
log(
  `load average ${loadAtStart.toFixed(1)} on ${os.cpus().length} cores at the start${loadAtStart > os.cpus().length / 2 ? " (busy: results will be pessimistic)" : ""}`,
);

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
    .replace(/^.*\) /, "")
    .split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
/** The machine's busy and total jiffies, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const cpu = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: total - idle, total };
}
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

type Sample = {
  at: number;
  perSender: Record<string, { bytes: number; frames: number; packets: number; lost: number }>;
};
/** What the receiving page has got so far from each camera it shows. */
async function receiverSample(p: import("playwright-core").Page): Promise<Sample> {
  const perSender = await p.evaluate(async () => {
    const owners = new Map<string, string>();
    for (const el of document.querySelectorAll<HTMLVideoElement>("[data-testid=tile][data-source=camera] video")) {
      const userId = el.closest<HTMLElement>("[data-testid=tile]")?.dataset.userId ?? "";
      for (const track of (el.srcObject as MediaStream | null)?.getTracks() ?? []) owners.set(track.id, userId);
    }
    const out: Record<string, { bytes: number; frames: number; packets: number; lost: number }> = {};
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((s: Record<string, number | string | undefined>) => {
        const owner = s.type === "inbound-rtp" ? owners.get(String(s.trackIdentifier)) : undefined;
        if (!owner) return;
        out[owner] = {
          bytes: Number(s.bytesReceived ?? 0),
          frames: Number(s.framesDecoded ?? 0),
          packets: Number(s.packetsReceived ?? 0),
          lost: Number(s.packetsLost ?? 0),
        };
      });
    }
    return out;
  });
  return { at: Date.now(), perSender };
}

/** Frames each page's camera has encoded so far (its fullest simulcast layer), to compare with what arrives. */
async function framesEncoded(p: import("playwright-core").Page): Promise<number> {
  return p.evaluate(async () => {
    let most = 0;
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((s: Record<string, number | string | undefined>) => {
        if (s.type === "outbound-rtp" && s.kind === "video") most = Math.max(most, Number(s.framesEncoded ?? 0));
      });
    }
    return most;
  });
}

type Row = {
  participants: number;
  forwarded: number;
  workerCpu: number;
  sfuNodeCpu: number;
  machineCpu: number;
  load: number;
  kbps: number;
  fpsMin: number;
  fpsMean: number;
  sentFps: number;
  loss: number;
  playing: string;
  degraded: string;
};

await setup();
const stack = await support.createTestStack({ redis: true });
let sfu: Awaited<ReturnType<typeof support.startSfu>> | undefined;
let api: Awaited<ReturnType<typeof support.startApi>> | undefined;
let browser: import("playwright-core").Browser | undefined;
const rows: Row[] = [];
const tabs: import("../test/call-page.js").CallTab[] = [];

try {
  const { db } = await stack.open();
  sfu = await support.startSfu({ SFU_PORT: String(PORT_BASE), SFU_RTC_PORT: String(PORT_BASE + 1), SFU_WORKERS: "1" });
  api = await support.startApi({
    ...stack.env,
    PORT: String(PORT_BASE + 2),
    SFU_URLS: sfu.url,
    SFU_SECRET: sfu.secret,
  });
  const sfuPid = sfu.child.pid ?? 0;
  const workerPid = childPids(sfuPid)[0] ?? 0;
  log(`SFU pid ${sfuPid}, mediasoup worker pid ${workerPid}; API on ${api.url}`);
  browser = await support.launchChromium(page.FAKE_MEDIA_FLAGS);
  const max = Math.max(...STEPS);
  const users = [];
  for (let i = 0; i < max; i++) {
    const user = await support.createUser(db, { name: `P${i + 1}` });
    users.push({ name: `P${i + 1}`, userId: user.id, token: await support.sessionToken(db, user.id) });
  }
  const channel = await db.channel.create({
    data: { kind: "private", name: "all-hands", members: { create: users.map((u) => ({ userId: u.userId })) } },
  });
  for (const n of STEPS) {
    while (tabs.length < n) {
      const who = users[tabs.length] as (typeof users)[number];
      const t = await page.openTab(browser, api.url, who, `/c/${channel.id}`);
      await page.joinFromChannel(t, "header");
      tabs.push(t);
    }
    const receiver = tabs[0] as (typeof tabs)[number];
    const others = tabs.slice(1).map((t) => t.userId);
    let playing = "all";
    try {
      await page.waitCamerasPlaying(receiver, others);
    } catch {
      playing = `${(await page.playingCameras(receiver.page)).filter((id) => others.includes(id)).length}/${others.length}`;
    }
    await new Promise((r) => setTimeout(r, WARMUP_MS));

    const before = { worker: cpuSeconds(workerPid), node: cpuSeconds(sfuPid), machine: machineTicks() };
    const senders = tabs.slice(1);
    const encodedBefore = await Promise.all(senders.map((t) => framesEncoded(t.page)));
    const first = await receiverSample(receiver.page);
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    const last = await receiverSample(receiver.page);
    const encodedAfter = await Promise.all(senders.map((t) => framesEncoded(t.page)));
    const after = { worker: cpuSeconds(workerPid), node: cpuSeconds(sfuPid), machine: machineTicks() };
    const seconds = (last.at - first.at) / 1000;
    let forwarded = 0;
    for (const t of tabs) forwarded += (await page.sfuConsumers(t.page)).filter((c) => !c.paused).length;

    const fps: number[] = [];
    let bytes = 0;
    let packets = 0;
    let lost = 0;
    for (const id of others) {
      const a = first.perSender[id];
      const b = last.perSender[id];
      if (!a || !b) {
        fps.push(0);
        continue;
      }
      fps.push((b.frames - a.frames) / seconds);
      bytes += b.bytes - a.bytes;
      packets += b.packets - a.packets;
      lost += Math.max(0, b.lost - a.lost);
    }
    const fpsMin = Math.min(...fps);
    const fpsMean = fps.reduce((x, y) => x + y, 0) / Math.max(1, fps.length);
    const sentFps =
      encodedAfter.reduce((sum, e, i) => sum + (e - (encodedBefore[i] ?? 0)), 0) /
      Math.max(1, senders.length) /
      seconds;
    const loss = packets + lost > 0 ? lost / (packets + lost) : 0;
    const reasons = [];
    if (playing !== "all") reasons.push(`cameras playing ${playing}`);
    if (fpsMin < sentFps * DEGRADED_FPS_SHARE)
      reasons.push(`slowest camera ${fpsMin.toFixed(1)} fps of ${sentFps.toFixed(1)} sent`);
    if (loss > LOSS_LIMIT) reasons.push(`loss ${(loss * 100).toFixed(1)}%`);
    const row: Row = {
      participants: n,
      forwarded,
      workerCpu: ((after.worker - before.worker) / seconds) * 100,
      sfuNodeCpu: ((after.node - before.node) / seconds) * 100,
      machineCpu: ((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)) * 100,
      load: os.loadavg()[0] ?? 0,
      kbps: (bytes * 8) / seconds / 1000,
      fpsMin,
      fpsMean,
      sentFps,
      loss,
      playing,
      degraded: reasons.join("; "),
    };
    rows.push(row);
    log(
      `${n} participants: ${forwarded} streams forwarded, worker ${row.workerCpu.toFixed(1)}% of a core, machine ${row.machineCpu.toFixed(0)}% busy (load ${row.load.toFixed(1)}); P1 receives ${row.kbps.toFixed(0)} kbps video, camera fps min ${fpsMin.toFixed(1)} mean ${fpsMean.toFixed(1)} (senders encode ${sentFps.toFixed(1)}), loss ${(loss * 100).toFixed(2)}%${row.degraded ? ` — DEGRADED: ${row.degraded}` : ""}`,
    );
    if (row.degraded) break;
  }
} finally {
  for (const t of tabs) await t.context.close().catch(() => {});
  await browser?.close();
  await api?.stop();
  await sfu?.stop();
  await stack.cleanup();
  await teardown();
}

const held = rows.filter((r) => !r.degraded).at(-1);
const firstDegraded = rows.find((r) => r.degraded);
const perStream = rows.filter((r) => r.forwarded > 0).map((r) => r.workerCpu / r.forwarded);
const fmt = (x: number, d = 0) => x.toFixed(d);
const section = [
  "<!-- bench-call:start -->",
  "## Browser participants in one call (`web/scripts/bench-call.ts`)",
  "",
  `Real Chromium pages (one headless Chromium, a context per person, fake 1280×720 camera sent as three simulcast layers, fake microphone) join one call through the real API, SFU (one mediasoup ${"3.12.16"} worker) and worker, all on this one machine: the browsers' encoding and decoding share its 2 cores with the SFU. Per step: ${WARMUP_MS / 1000} s warm-up, then ${MEASURE_MS / 1000} s measured. Forwarded streams = the SFU's unpaused consumers (audio and video) over all pages. Receiver = the first page, whose grid shows everyone (tiles get smaller, so it asks for lower layers as the call grows). Sent fps = frames the other pages' cameras encoded per second (mean: the fake camera's rate, less when a loaded machine cannot keep up). A step degrades when the receiver's slowest camera falls under ${DEGRADED_FPS_SHARE * 100}% of the sent frame rate (frames lost between encoder and screen), loss passes ${LOSS_LIMIT * 100}%, or a camera does not play.`,
  `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}. **Shared with other people's work while it ran**: load average ${fmt(loadAtStart, 1)} at the start (the load column is at each step's end), so the numbers are pessimistic. Run ${new Date().toISOString().slice(0, 10)}.`,
  "",
  "| participants | streams forwarded | worker CPU (% of a core) | worker CPU per stream | SFU Node process CPU | machine CPU busy | load | receiver video kbps | sent fps | slowest camera fps | mean camera fps | loss | degraded |",
  "| -----------: | ----------------: | -----------------------: | --------------------: | -------------------: | ---------------: | ---: | ------------------: | -------: | -----------------: | --------------: | ---: | -------- |",
  ...rows.map(
    (r) =>
      `| ${r.participants} | ${r.forwarded} | ${fmt(r.workerCpu, 1)} | ${r.forwarded ? fmt(r.workerCpu / r.forwarded, 2) : "–"} | ${fmt(r.sfuNodeCpu, 1)}% | ${fmt(r.machineCpu)}% | ${fmt(r.load, 1)} | ${fmt(r.kbps)} | ${fmt(r.sentFps, 1)} | ${fmt(r.fpsMin, 1)} | ${fmt(r.fpsMean, 1)} | ${fmt(r.loss * 100, 2)}% | ${r.degraded || "no"} |`,
  ),
  "",
  held
    ? `**Held: ${held.participants} browser participants** in one call on this machine before forwarding degraded${firstDegraded ? ` (at ${firstDegraded.participants}: ${firstDegraded.degraded})` : ` (no step up to ${rows.at(-1)?.participants} degraded)`}.`
    : `**No step held** (the first, ${rows[0]?.participants} participants: ${rows[0]?.degraded}).`,
  perStream.length
    ? `The SFU's worker spent ${fmt(Math.min(...perStream), 2)}–${fmt(Math.max(...perStream), 2)}% of a core per forwarded stream; at the last step it used ${fmt(rows.at(-1)?.workerCpu ?? 0)}% of a core while the machine was ${fmt(rows.at(-1)?.machineCpu ?? 0)}% busy (of 2 cores), the rest being the browsers and everyone else's work (for the worker alone, \`sfu/scripts/bench-consumers.ts\`: 400 consumers of a 500 kbps stream per worker core).`
    : "",
  loadAtStart > os.cpus().length
    ? `With a load average of ${fmt(loadAtStart, 1)} on ${os.cpus().length} cores, every process here got a small share of a core: this measures what was left over, not what the product needs. Re-run on a quiet machine for that number.`
    : "",
  "<!-- bench-call:end -->",
].join("\n");
console.log(section);
const file = path.join(import.meta.dirname, "..", "..", "BENCHMARKS.md");
const doc = readFileSync(file, "utf8");
const re = /<!-- bench-call:start -->[\s\S]*?<!-- bench-call:end -->/;
writeFileSync(file, re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`);
log("wrote its section of BENCHMARKS.md");
