// What a scenario returns, and how results are shown: a console table, JSON under .state/bench/, and the
// suite's own section of BENCHMARKS.md (between markers; the rest of the file belongs to others).
import { execSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
export const stateDir = path.join(repoRoot, ".state", "bench");

export interface Metric {
  name: string;
  value: number | string;
  unit?: string;
  /** e.g. "≥ 20000" or "≤ 50"; numbers compare against it when present. */
  target?: string;
  pass?: boolean;
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  quick: boolean;
  startedAt: string;
  seconds: number;
  metrics: Metric[];
  /** Correctness problems (lost, duplicated or reordered deliveries; unstored messages). Empty = correct. */
  problems: string[];
  /** The scenario could not run to the end. */
  error?: string;
  config: Record<string, unknown>;
  notes: string[];
  profiles?: Record<string, ProfileSummary>;
}

export interface ProfileSummary {
  file: string;
  sampledSeconds: number;
  top: { selfPct: number; frame: string }[];
  byArea: { selfPct: number; area: string }[];
  /** Our own (api/src) functions with the time spent in them and what they call synchronously. */
  ours: { totalPct: number; frame: string }[];
}

/** Metric with its target checked: `≥ n` or `≤ n`. */
export function metric(
  name: string,
  value: number,
  unit: string,
  target?: { atLeast?: number; atMost?: number },
): Metric {
  const rounded = Math.round(value * 100) / 100;
  if (!target) return { name, value: rounded, unit };
  const pass = target.atLeast !== undefined ? value >= target.atLeast : value <= (target.atMost as number);
  const goal = target.atLeast !== undefined ? `≥ ${target.atLeast}` : `≤ ${target.atMost}`;
  return { name, value: rounded, unit, target: goal, pass };
}

export function machine() {
  const cpus = os.cpus();
  const git = (cmd: string) => {
    try {
      return execSync(cmd, { cwd: repoRoot, stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim();
    } catch {
      return "";
    }
  };
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? "unknown",
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAvg: os.loadavg().map((l) => Math.round(l * 100) / 100),
    commit: git("git rev-parse --short HEAD"),
    // The suite's own output does not count: a re-run over a BENCHMARKS.md it just wrote ran the commit's code.
    dirty: git("git status --porcelain --untracked-files=no -- . ':(top,exclude)BENCHMARKS.md'") !== "",
  };
}

const fmt = (v: number | string) =>
  typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: 2 }) : v;
const verdict = (m: Metric) => (m.pass === undefined ? "" : m.pass ? "met" : "MISSED");

export function rows(results: ScenarioResult[]) {
  const out: string[][] = [];
  for (const r of results) {
    const status = r.error ? `ERROR: ${r.error.split("\n")[0]}` : r.problems.length > 0 ? "INCORRECT" : "correct";
    if (r.metrics.length === 0) out.push([r.scenario, "(no numbers)", "", "", status]);
    r.metrics.forEach((m, i) => {
      out.push([
        i === 0 ? r.scenario : "",
        m.name,
        `${fmt(m.value)}${m.unit ? ` ${m.unit}` : ""}`,
        m.target ? `${m.target} ${verdict(m)}` : "",
        i === 0 ? status : "",
      ]);
    });
  }
  return out;
}

const HEADER = ["scenario", "measure", "value", "target", "check"];

export function printTable(results: ScenarioResult[]) {
  const table = [HEADER, ...rows(results)];
  const widths = HEADER.map((_, c) => Math.max(...table.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join("  ");
  console.log(`\n${line(HEADER)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const r of table.slice(1)) console.log(line(r));
  for (const r of results) for (const p of r.problems) console.log(`  ${r.scenario}: ${p}`);
}

export function writeJson(run: object, quick: boolean) {
  mkdirSync(stateDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = path.join(stateDir, `results-${stamp}${quick ? "-quick" : ""}.json`);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(path.join(stateDir, "results.json"), `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

/** The latest full result of each scenario, kept across filtered runs so the table always has every row. */
export function mergeLatest<R extends object>(
  results: ScenarioResult[],
  run: R,
): { runs: Record<string, R>; results: ScenarioResult[] } {
  const file = path.join(stateDir, "latest-full.json");
  const previous = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as { results: ScenarioResult[]; runs: Record<string, R> })
    : { results: [], runs: {} };
  const byName = new Map(previous.results.map((r) => [r.scenario, r]));
  const runs = previous.runs ?? {};
  for (const r of results) {
    byName.set(r.scenario, r);
    runs[r.scenario] = run;
  }
  const merged = { results: [...byName.values()], runs };
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}

export const BEGIN = "<!-- bench-suite:start (written by `bash ops/bench`; edit api/bench, not this) -->";
export const END = "<!-- bench-suite:end -->";

/** Replaces a section of BENCHMARKS.md (by default the suite's; or appends it), leaving everything else untouched. */
export function updateMarkdown(section: string, markers: { begin: string; end: string } = { begin: BEGIN, end: END }) {
  const file = path.join(repoRoot, "BENCHMARKS.md");
  const body = `${markers.begin}\n${section.trim()}\n${markers.end}`;
  let text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const start = text.indexOf(markers.begin);
  const end = text.indexOf(markers.end);
  if (start >= 0 && end > start) text = text.slice(0, start) + body + text.slice(end + markers.end.length);
  else text = `${text.trimEnd()}\n\n${body}\n`;
  writeFileSync(file, text);
  // The repository's lint (biome ci) formats Markdown too: leave the file as Biome would.
  spawnSync(path.join(repoRoot, "node_modules", ".bin", "biome"), ["format", "--write", file], { stdio: "ignore" });
  return file;
}

export function markdownTable(results: ScenarioResult[]) {
  const all = [HEADER, ...rows(results)];
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [
    `| ${HEADER.join(" | ")} |`,
    `| ${HEADER.map(() => "---").join(" | ")} |`,
    ...all.slice(1).map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}
