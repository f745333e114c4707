// The benchmark suite's entry (run it through `bash ops/bench`, which starts the services first).
//   bash ops/bench [--quick] [--profile] [--workers N] [--env KEY=VALUE] [--no-markdown] [scenario …]
// Scenarios: connections, fanout, ingest, cross-node, history, notifications, peer, memory (a filter matches by prefix;
// none = all). Prints a table, writes .state/bench/results.json and, for full runs, the suite's section of
// BENCHMARKS.md; the notifier's scenario has a section of its own.
import os from "node:os";
import { abortAll, type BenchContext, log } from "./lib/cluster.js";
import { renderOwnSection, renderSection } from "./lib/markdown.js";
import {
  machine,
  markdownTable,
  mergeLatest,
  printTable,
  type ScenarioResult,
  updateMarkdown,
  writeJson,
} from "./lib/report.js";
import { cleanupRun, serviceVersions } from "./lib/stack.js";
import { crossNodeScenario } from "./scenarios/cross-node.js";
import { historyScenario } from "./scenarios/history.js";
import { ingestScenario } from "./scenarios/ingest.js";
import { memoryScenario } from "./scenarios/memory.js";
import { notificationsScenario } from "./scenarios/notifications.js";
import { peerScenario } from "./scenarios/peer.js";
import { buildPopulation, connectionsScenario, fanoutScenario, type Population } from "./scenarios/single-node.js";

const ALL = ["connections", "fanout", "ingest", "cross-node", "history", "notifications", "peer", "memory"] as const;
/** Scenarios written to a BENCHMARKS.md section of their own (markers bench-<name>:start/end). */
const OWN_SECTION: ReadonlySet<string> = new Set(["notifications", "peer", "memory"]);
type Name = (typeof ALL)[number];
const TITLES: Record<Name, string> = {
  connections: "1. Connections held on one API node",
  fanout: "2. Fan-out on one API node",
  ingest: "3. Persisted ingest",
  "cross-node": "4. Across three API nodes",
  history: "5. History paging in a 1,000,000-message channel",
  notifications: "6. Notifications: decided per second, commit → FCM-accept",
  peer: "7. Parley beside the common design (Socket.IO 4 + Redis adapter + Kafka), same load, same run",
  memory: "8. Memory as an operator sees it, and stopping a node that holds every socket",
};

function parseArgs(argv: string[]) {
  const opts = {
    quick: false,
    profile: false,
    markdown: true,
    markdownOnly: false,
    workers: 4,
    env: {} as Record<string, string>,
    only: [] as string[],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--quick") opts.quick = true;
    else if (a === "--profile") opts.profile = true;
    else if (a === "--no-markdown") opts.markdown = false;
    else if (a === "--markdown-only") opts.markdownOnly = true;
    else if (a === "--workers") opts.workers = Number(argv[++i]);
    else if (a === "--env") {
      const [key, ...value] = String(argv[++i]).split("=");
      if (!key || value.length === 0) throw new Error("--env needs KEY=VALUE");
      opts.env[key] = value.join("=");
    } else if (a === "--help" || a === "-h") {
      console.log(
        `usage: bash ops/bench [--quick] [--profile] [--workers N] [--env KEY=VALUE] [--no-markdown | --markdown-only] [${ALL.join("|")} …]`,
      );
      process.exit(0);
    } else if (a.startsWith("-")) throw new Error(`unknown option ${a} (see --help)`);
    else opts.only.push(a);
  }
  const selected = ALL.filter((n) => opts.only.length === 0 || opts.only.some((f) => n.startsWith(f)));
  if (selected.length === 0)
    throw new Error(`no scenario matches ${opts.only.join(", ")}: choose from ${ALL.join(", ")}`);
  return { ...opts, selected };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.markdownOnly) {
    // Re-renders the section from the kept results (after a change to the rendering), running nothing.
    const latest = mergeLatest([], {} as never);
    console.log(`updated ${updateMarkdown(renderSection(latest.results, latest.runs, markdownTable))}`);
    process.exit(0);
  }
  const ctx: BenchContext = { quick: args.quick, profile: args.profile, workers: args.workers, env: args.env };
  const host = machine();
  const command = `bash ops/bench ${process.argv.slice(2).join(" ")}`.trim();
  console.log(
    `Parley benchmarks${args.quick ? " (quick)" : ""}: ${args.selected.join(", ")}\n` +
      `machine: ${host.cores} cores (${host.cpu}), ${host.memoryGb} GB, node ${host.node}, load average ${host.loadAvg.join(" ")}\n` +
      `commit ${host.commit}${host.dirty ? " + uncommitted changes" : ""}`,
  );
  if ((host.loadAvg[0] ?? 0) > 0.5 * host.cores)
    console.log("note: the machine is busy (load average above half the cores); numbers will say so.");

  const results: ScenarioResult[] = [];
  let population: Population | undefined;
  const needsPopulation = args.selected.filter((n) => n === "connections" || n === "fanout");
  const run = async (name: Name, body: () => Promise<Partial<ScenarioResult>>) => {
    const startedAt = new Date();
    log(name, TITLES[name]);
    const result: ScenarioResult = {
      scenario: name,
      title: TITLES[name],
      quick: args.quick,
      startedAt: startedAt.toISOString(),
      seconds: 0,
      metrics: [],
      problems: [],
      config: {},
      notes: [],
    };
    try {
      Object.assign(result, await body());
    } catch (error) {
      result.error = String((error as Error)?.stack ?? error);
      console.error(`${name} failed: ${result.error}`);
    }
    result.seconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
    for (const p of result.problems) console.error(`${name}: INCORRECT: ${p}`);
    results.push(result);
  };

  try {
    for (const name of args.selected) {
      if (name === "connections" || name === "fanout") {
        await run(name, async () => {
          population ??= await buildPopulation(ctx);
          const pop = population;
          const out = name === "connections" ? await connectionsScenario(ctx, pop) : await fanoutScenario(ctx, pop);
          if (name === needsPopulation.at(-1)) {
            population = undefined;
            const profiles = (await pop.cluster.stop()) ?? {};
            // Spans are labelled "<scenario>: …": each scenario keeps its own.
            const of = (scenario: string) =>
              Object.fromEntries(Object.entries(profiles).filter(([label]) => label.startsWith(`${scenario}:`)));
            out.profiles = of(name);
            const earlier = results.find((r) => r.scenario === "connections");
            if (earlier && name !== "connections") earlier.profiles = of("connections");
          }
          return out;
        });
        continue;
      }
      const body = {
        ingest: ingestScenario,
        "cross-node": crossNodeScenario,
        history: historyScenario,
        notifications: notificationsScenario,
        peer: peerScenario,
        memory: memoryScenario,
      }[name];
      await run(name, () => body(ctx));
    }
  } finally {
    await (population as Population | undefined)?.cluster.stop();
    await cleanupRun();
  }

  const runInfo = {
    command,
    services: await serviceVersions(),
    finishedAt: new Date().toISOString(),
    quick: args.quick,
    machine: { ...host, loadAvgAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
    results,
  };
  printTable(results);
  const file = writeJson(runInfo, args.quick);
  console.log(`\nresults: ${file}`);
  if (args.markdown && !args.quick) {
    const suite = results.filter((r) => !OWN_SECTION.has(r.scenario));
    if (suite.length > 0) {
      const latest = mergeLatest(suite, runInfo);
      console.log(`updated ${updateMarkdown(renderSection(latest.results, latest.runs, markdownTable))}`);
    }
    for (const r of results.filter((r) => OWN_SECTION.has(r.scenario))) {
      const markers = { begin: `<!-- bench-${r.scenario}:start -->`, end: `<!-- bench-${r.scenario}:end -->` };
      console.log(`updated ${updateMarkdown(renderOwnSection(r, runInfo, markdownTable), markers)}`);
    }
  } else if (args.quick) console.log("(quick run: BENCHMARKS.md left as it is)");
  const failed = results.filter((r) => r.error || r.problems.length > 0);
  if (failed.length > 0) {
    console.error(
      `\nFAILED: ${failed.map((r) => `${r.scenario} (${r.error ? "error" : "incorrect deliveries"})`).join(", ")}`,
    );
    process.exit(1);
  }
  process.exit(0);
}

process.on("SIGINT", () => {
  console.error("interrupted: stopping the nodes and load processes, removing databases, topics and keys");
  void abortAll()
    .then(cleanupRun)
    .finally(() => process.exit(130));
});

main().catch(async (error) => {
  console.error(error instanceof Error ? error.message : error);
  await cleanupRun();
  process.exit(1);
});
