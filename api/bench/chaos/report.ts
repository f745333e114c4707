// The runner's table: on the console as it goes, and as its own section of BENCHMARKS.md.
import { machine, updateMarkdown } from "../lib/report.js";
import { clean, type Row } from "./tally.js";

const HEADER = [
  "fault",
  "sent",
  "accepted",
  "stored",
  "delivered",
  "lost",
  "duplicates",
  "reordered",
  "recovery",
  "met",
];

const recovery = (r: Row) => (r.recoveryMs === null ? "none" : `${(r.recoveryMs / 1000).toFixed(1)} s`);

export function cells(r: Row, problem: string | undefined): string[] {
  return [
    r.fault,
    ...[r.sent, r.accepted, r.stored, r.delivered, r.lost, r.duplicates, r.reordered].map((n) =>
      n.toLocaleString("en-US"),
    ),
    recovery(r),
    clean(r) && !problem && r.recoveryMs !== null ? "yes" : "NO",
  ];
}

export function printRows(rows: { row: Row; problem?: string | undefined }[]) {
  const table = [HEADER, ...rows.map(({ row, problem }) => cells(row, problem))];
  const widths = HEADER.map((_, c) => Math.max(...table.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ");
  console.log(`\n${line(HEADER)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const r of table.slice(1)) console.log(line(r));
  for (const { row, problem } of rows) {
    console.log(`\n${row.fault}:`);
    for (const [k, v] of row.extra) console.log(`  ${k}: ${v}`);
    if (problem) console.log(`  PROBLEM: ${problem}`);
  }
}

const BEGIN = "<!-- chaos:start (written by `bash ops/chaos`; edit api/bench/chaos, not this) -->";
const END = "<!-- chaos:end -->";

export function writeMarkdown(
  rows: { row: Row; problem?: string | undefined }[],
  run: { startedAt: Date; seconds: number; services: string; config: string; loadAvg: number[] },
) {
  const host = machine();
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [
    "## Faults under steady traffic (`bash ops/chaos`, issues #11 and #20)",
    "",
    "The runner (`api/bench/chaos/`) starts its own PostgreSQL, Redis and Kafka broker on free loopback ports,",
    "three API nodes and a standalone persister, and WebSocket clients that each send one message at a time",
    "into one shared channel and retry with the same clientId until it is accepted (as the web client does);",
    "then it injects the faults below one at a time. A row counts the messages first sent during that fault's",
    "phase: **lost** = accepted but not stored, or not delivered to every client; **duplicates** = extra stored",
    "rows plus events a client received twice; **reordered** = a client's messages stored out of its send order",
    "plus events that arrived after a gap; **recovery** = from the injection until every client had a message",
    "sent after it accepted and delivered to every client. The bar is zero lost, duplicated and reordered.",
    "",
    `**Run:** ${run.startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, ${run.seconds} s, commit ${host.commit}${host.dirty ? " + uncommitted changes" : ""},`,
    `${host.cores} cores (${host.cpu}), Node ${host.node}, load average ${run.loadAvg.join("/")} at the start`,
    `(the machine is shared: other work shows in the times). **Services:** ${run.services}. **Config:** ${run.config}.`,
    "",
    `| ${HEADER.join(" | ")} |`,
    `| ${HEADER.map((_, i) => (i === 0 || i === HEADER.length - 1 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map(({ row, problem }) => `| ${cells(row, problem).map(esc).join(" | ")} |`),
    "",
    "**What each fault measured besides:**",
    "",
  ];
  for (const { row, problem } of rows) {
    const measures = row.extra.map(([k, v]) => `${k} ${v}`).join("; ");
    lines.push(`- **${row.fault}**: ${measures || "—"}.${problem ? ` **Problem:** ${problem}.` : ""}`);
  }
  return updateMarkdown(lines.join("\n"), { begin: BEGIN, end: END });
}
