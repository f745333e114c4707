// The web client's speed budgets of issue #15, measured in real Chromium (playwright-core) against a real
// API node, PostgreSQL, Redis and Kafka, with 10,000 messages seeded in #general:
//   - switching to a channel whose history is cached renders in ≤ 50 ms (click on the sidebar link → the
//     channel's newest message is in the page and a frame has been produced);
//   - scrolling the 10,000 loaded messages has no long task over 50 ms (PerformanceObserver "longtask",
//     Chromium's own long-task timing), while scrolling steadily, flinging and jumping.
// Prints the table and writes its section of BENCHMARKS.md, with the machine's load beside the numbers.
// Run after `vite build` (the API serves web/dist), from api/ (which has tsx), with the services up:
//   node --import tsx ../web/scripts/bench-ui.ts [--switches 40]
// (`bash ops/bench web` builds and runs it with bench-bundle.ts.) PARLEY_TEST_* variables choose the
// services as for the tests (Kafka at 127.0.0.1:9092 unless PARLEY_TEST_KAFKA_BROKERS says otherwise).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { measureSwitch, SCROLL_NAMES, type ScrollKind, scrollOnce } from "./bench-ui-page";
import { traceMainThread } from "./bench-ui-trace";

// --profile switch|steady|fling|jumps: a CPU profile of 10 switches, or of one way of scrolling #general
// with all 10,000 loaded, instead of the measurements; its heaviest functions printed (build with
// `vite build --minify false` first for readable names).
const { values: args } = parseArgs({
  options: { switches: { type: "string", default: "40" }, profile: { type: "string" } },
});
const PROFILES = ["switch", ...Object.keys(SCROLL_NAMES)];
if (args.profile !== undefined && !PROFILES.includes(args.profile))
  throw new Error(`--profile takes one of ${PROFILES.join(", ")}, not "${args.profile}"`);
const SWITCHES = Number(args.switches);
const TOTAL = 10_000;
const BUDGET_MS = 50;
const log = (line: string) => process.stdout.write(`${line}\n`);
const dist = path.join(import.meta.dirname, "..", "dist", "index.html");
if (!existsSync(dist)) throw new Error("web/dist is missing: run `vite build` in web/ first");

// One run id of our own before the support modules read it: our databases, keys and topics only.
process.env.PARLEY_TEST_RUN_ID ??= `benchui${Date.now().toString(36)}`;
const support = await import("api/test-support");
const { makePerson, OWNER, ownerCookie, post, signIn } = await import("../test/support/people");

const load = () => os.loadavg().map((n) => n.toFixed(1));
const loadAtStart = load();
log(`machine: ${os.cpus().length} cores, load average ${loadAtStart.join(" ")}`);
await support.createRunTemplate();
const stack = await support.createTestStack({ redis: true, kafka: true });
let api: Awaited<ReturnType<typeof support.startApi>> | undefined;
let browser: Awaited<ReturnType<typeof support.launchChromium>> | undefined;
try {
  api = await support.startApi(stack.env);
  const db = stack.env.DATABASE_URL as string;
  const cookie = await ownerCookie(api);
  const bee = await makePerson(api, cookie, "Bee");
  const owner = await support.userIdByEmail(db, OWNER.email);
  const general = await support.channelIdByName(db, "general");
  const made = await post(api, "/api/channels", { kind: "public", name: "random" }, cookie);
  const random = (made.json as { channel?: { id: string } }).channel?.id;
  if (!random) throw new Error(`creating #random: ${made.res.status} ${JSON.stringify(made.json)}`);
  log(`seeding ${TOTAL.toLocaleString("en-US")} messages in #general and 200 in #random…`);
  const big = await support.seedHistory(db, general, [owner, bee.id], TOTAL);
  const small = await support.seedHistory(db, random, [owner, bee.id], 200);
  const oldest = await support.messageIdAt(db, general, big.first);

  browser = await support.launchChromium();
  const page = await signIn(browser, api, OWNER);
  // tsx compiles with esbuild's keepNames, which wraps the functions page.evaluate sends in __name(…), a
  // helper the page lacks: give the page an identity one.
  const keepNames = "globalThis.__name = (f) => f";
  await page.context().addInitScript(keepNames);
  await page.evaluate(keepNames);
  await page.setViewportSize({ width: 1280, height: 800 });
  // All 10,000 loaded: the permalink of the oldest message loads every older page until it is there.
  const loadStarted = performance.now();
  await page.goto(`${api.url}/c/${general}?m=${oldest}`);
  await page.locator(`[data-testid="message"][data-seq="${big.first}"]`).waitFor({ timeout: 300_000 });
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  log(`#general: ${TOTAL.toLocaleString("en-US")} messages loaded in ${loadSeconds.toFixed(1)} s`);
  // #random once, so its first page is cached too; then back and forth from the sidebar.
  await openFromSidebar(page, "random", small.last);
  await openFromSidebar(page, "general", big.last);

  if (args.profile === "switch") {
    await profiled(page, async () => {
      const targets = [
        ["random", small.last],
        ["general", big.last],
      ] as const;
      for (let i = 0; i < 10; i++) {
        const [to, last] = targets[i % targets.length] as (typeof targets)[number];
        log(`switch to #${to}: ${(await measureSwitch(page, to, last)).toFixed(1)} ms`);
        await page.waitForTimeout(300);
      }
    });
  } else if (args.profile !== undefined) {
    const kind = args.profile as ScrollKind;
    await page.goto(`${api.url}/c/${general}?m=${oldest}`);
    await page.locator(`[data-testid="message"][data-seq="${big.first}"]`).waitFor({ timeout: 300_000 });
    await profiled(page, async () => {
      const seen = await scrollOnce(page, kind);
      log(
        `scroll, ${SCROLL_NAMES[kind]}: ${seen.frames} frames, long tasks (observer) ${seen.longTasks.map((t) => t.toFixed(0)).join(" ")} ms`,
      );
    });
  } else {
    // Each switch traced: its wall time on the page's clock, and the main thread's CPU time meanwhile.
    const switches = { random: [] as Sample[], general: [] as Sample[] };
    // Where the main thread's time went, by trace event (Layout, UpdateLayoutTree, FunctionCall…).
    const spent = { random: new Map<string, number>(), general: new Map<string, number>() };
    for (let i = 0; i < SWITCHES; i++) {
      const [to, last] = i % 2 === 0 ? (["random", small.last] as const) : (["general", big.last] as const);
      let wall = 0;
      const tasks = await traceMainThread(browser, page, async () => {
        wall = await measureSwitch(page, to, last);
      });
      switches[to].push({ wall, cpu: tasks.cpu.reduce((n, t) => n + t, 0) });
      for (const [name, ms] of tasks.selfCpu) spent[to].set(name, (spent[to].get(name) ?? 0) + ms);
      // A pause between switches, as a person makes (the read position is reported meanwhile).
      await page.waitForTimeout(300);
    }
    for (const to of ["random", "general"] as const) {
      const top = [...spent[to]].sort((a, b) => b[1] - a[1]).slice(0, 10);
      const per = (ms: number) => (ms / switches[to].length).toFixed(1);
      log(`switch to #${to}, CPU per switch by trace event: ${top.map(([n, ms]) => `${n} ${per(ms)}`).join(", ")}`);
    }
    for (const to of ["random", "general"] as const)
      log(
        `switch to #${to}: wall ${formatStats(switches[to].map((s) => s.wall))}, main-thread CPU ${formatStats(switches[to].map((s) => s.cpu))}`,
      );

    // Scrolling: #general with all 10,000 loaded (the permalink again; the list starts at the top).
    await page.goto(`${api.url}/c/${general}?m=${oldest}`);
    await page.locator(`[data-testid="message"][data-seq="${big.first}"]`).waitFor({ timeout: 300_000 });
    const scrolling: Scrolled[] = [];
    for (const kind of Object.keys(SCROLL_NAMES) as ScrollKind[]) {
      let seen = { frames: 0, frameP95: 0, longTasks: [] as number[] };
      const tasks = await traceMainThread(browser, page, async () => {
        seen = await scrollOnce(page, kind);
      });
      const s: Scrolled = {
        name: SCROLL_NAMES[kind],
        ...seen,
        longestWall: Math.max(0, ...tasks.wall),
        longestCpu: Math.max(0, ...tasks.cpu),
        overCpu: tasks.cpu.filter((t) => t > BUDGET_MS).length,
      };
      scrolling.push(s);
      log(
        `scroll, ${s.name}: ${s.frames} frames, ${s.longTasks.length} long tasks (observer), longest task ${s.longestWall.toFixed(0)} ms wall / ${s.longestCpu.toFixed(0)} ms CPU`,
      );
    }
    const loadAtEnd = load();
    writeSection({ switches, scrolling, loadSeconds, loadAtStart, loadAtEnd });
  }
} finally {
  await browser?.close();
  await api?.stop();
  await stack.cleanup();
  await support.dropRunDatabases();
}

async function profiled(page: Page, work: () => Promise<void>) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Profiler.start");
  await work();
  const { profile } = await cdp.send("Profiler.stop");
  // The whole profile too, for DevTools or a closer look (callers, inclusive times).
  const saved = path.join(os.tmpdir(), `bench-ui-${process.pid}.cpuprofile`);
  writeFileSync(saved, JSON.stringify(profile));
  log(`profile written to ${saved}`);
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples?.forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    if (!f) return;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
    log(`${ms.toFixed(1).padStart(8)} ms  ${key}`);
}

async function openFromSidebar(page: Page, name: string, lastSeq: number) {
  await page.getByTestId(`channel-${name}`).getByRole("link").click();
  await page.locator(`[data-testid="message"][data-seq="${lastSeq}"]`).waitFor({ timeout: 60_000 });
}

interface Sample {
  wall: number;
  cpu: number;
}
interface Scrolled {
  name: string;
  frames: number;
  frameP95: number;
  longTasks: number[];
  longestWall: number;
  longestCpu: number;
  overCpu: number;
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
}
function formatStats(values: number[]) {
  const s = stats(values);
  return `p50 ${s.p50.toFixed(1)} / p95 ${s.p95.toFixed(1)} / max ${s.max.toFixed(1)} ms`;
}

function writeSection(r: {
  switches: Record<"random" | "general", Sample[]>;
  scrolling: Scrolled[];
  loadSeconds: number;
  loadAtStart: string[];
  loadAtEnd: string[];
}) {
  const ms = (n: number) => n.toFixed(1);
  const met = (ok: boolean) => (ok ? "met" : "MISSED");
  const switchRow = (label: string, samples: Sample[]) => {
    const w = stats(samples.map((s) => s.wall));
    const c = stats(samples.map((s) => s.cpu));
    return `| ${label} | ${samples.length} | ${ms(w.p50)} | ${ms(w.p95)} | ${ms(c.p50)} | ${ms(c.p95)} | ${met(w.p95 <= BUDGET_MS)} | ${met(c.p95 <= BUDGET_MS)} |`;
  };
  const scrollRow = (s: Scrolled) =>
    `| ${s.name} | ${s.frames} | ${ms(s.frameP95)} | ${s.longTasks.length} | ${ms(s.longestWall)} | ${s.overCpu} | ${ms(s.longestCpu)} | ${met(s.longestWall <= BUDGET_MS)} | ${met(s.longestCpu <= BUDGET_MS)} |`;
  const lines = [
    "<!-- bench-web-ui:start -->",
    "## Web client: channel switch and scrolling 10,000 messages (`web/scripts/bench-ui.ts`)",
    "",
    `Real Chromium (headless, software rendering, 1280×800) against one API node on PostgreSQL, Redis and Kafka; #general holds ${TOTAL.toLocaleString("en-US")} seeded messages (loaded in the page in ${r.loadSeconds.toFixed(1)} s through the permalink of the oldest), #random 200 (its first page of 50 loaded).`,
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}. **Load average ${r.loadAtStart.join(" ")} at the start, ${r.loadAtEnd.join(" ")} at the end**: the machine is shared, and with more runnable work than cores the page waits for a core, which wall times include. Main-thread CPU comes from a Chromium trace (devtools.timeline \`RunTask\` thread time): what the page's own work cost. Run ${new Date().toISOString().slice(0, 10)}.`,
    "",
    `Switching: a click on the channel in the sidebar → its newest message in the page and the next frame produced, both channels' history cached (wall: the page's clock; CPU: the main thread's, summed over the switch). Budget: ≤ ${BUDGET_MS} ms, judged on p95.`,
    "",
    "| switch to | runs | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms | budget, wall | budget, CPU |",
    "| --------- | ---: | ----------: | ----------: | ---------: | ---------: | ------------ | ----------- |",
    switchRow("#random (50 loaded)", r.switches.random),
    switchRow(`#general (${TOTAL.toLocaleString("en-US")} loaded)`, r.switches.general),
    "",
    `Scrolling #general with all ${TOTAL.toLocaleString("en-US")} loaded. Long tasks: the page's PerformanceObserver \`longtask\` (over 50 ms of wall time) and the trace's main-thread tasks. Budget: no task over ${BUDGET_MS} ms.`,
    "",
    "| scrolling | frames | frame p95 ms | long tasks (observer) | longest task, wall ms | tasks over 50 ms CPU | longest task, CPU ms | budget, wall | budget, CPU |",
    "| --------- | -----: | -----------: | --------------------: | --------------------: | -------------------: | -------------------: | ------------ | ----------- |",
    ...r.scrolling.map(scrollRow),
    "<!-- bench-web-ui:end -->",
  ];
  log(lines.join("\n"));
  const file = path.join(import.meta.dirname, "..", "..", "BENCHMARKS.md");
  const doc = readFileSync(file, "utf8");
  const section = lines.join("\n");
  const re = /<!-- bench-web-ui:start -->[\s\S]*?<!-- bench-web-ui:end -->/;
  writeFileSync(file, re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`);
}
