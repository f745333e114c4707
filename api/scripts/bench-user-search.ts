// Benchmark of the admin user search: seeds 100,000 users into a throw-away database, then times the
// real route (GET /api/admin/users through createApp, session and validation included) for typical
// searches, prints p50/p95 and writes its section of BENCHMARKS.md. Not a test: run it by hand.
//   node --import tsx scripts/bench-user-search.ts [--users 100000] [--runs 200] [--keep]
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createSession } from "../src/accounts/sessions.js";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/lib/logger.js";
import { migrateDeploy } from "../src/lib/migrate.js";
import { startServices } from "../src/start-services.js";
import { pick, seedUsers } from "./seed-users.js";

const { values: args } = parseArgs({
  options: {
    users: { type: "string", default: "100000" },
    runs: { type: "string", default: "200" },
    keep: { type: "boolean" },
  },
});
const USERS = Number(args.users);
const RUNS = Number(args.runs);
const TARGET_P95_MS = 50;
const adminUrl = process.env.PARLEY_BENCH_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const database = `parley_bench_users_${randomBytes(3).toString("hex")}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
const log = (line: string) => process.stdout.write(`${line}\n`);

const scenarios: { name: string; query: () => string }[] = [
  { name: "name prefix, 1 letter, sort name", query: () => `q=${pick(["m", "a", "s", "j"], rand())}&sort=name` },
  {
    name: "name prefix + role + state, sort name",
    query: () => `q=${pick(["mar", "ele", "gr", "zo"], rand())}&role=member&state=active&sort=name`,
  },
  {
    name: "email prefix, sort email",
    query: () => `q=${pick(["john.", "maria.g", "ada.smith.1", "priya"], rand())}&sort=email`,
  },
  { name: "prefix, newest first", query: () => `q=${pick(["ben", "kofi", "uma"], rand())}` },
  { name: "no search, state=active, newest first", query: () => "state=active" },
  { name: "no search, role=guest, state=deactivated", query: () => "role=guest&state=deactivated&sort=createdAt" },
  { name: "no search, sort name A→Z", query: () => "sort=name" },
  { name: "no search, sort name, page 11", query: () => "sort=name&cursor=" },
  { name: "no search, newest first, page 11", query: () => "sort=createdAt&cursor=" },
  { name: "prefix without matches", query: () => "q=qqq&sort=name" },
];
let seedNo = 1;
const rand = () => (seedNo = (seedNo * 48271) % 2147483647);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  log(`database ${database}: migrating`);
  await migrateDeploy(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  log(`seeding ${USERS.toLocaleString("en-US")} users`);
  await seedUsers(client, USERS, log);
  const pgVersion = (await client.query("SHOW server_version")).rows[0]?.server_version as string;
  await client.end();

  const config = loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" });
  const services = await startServices(config, createLogger("warn", "bench"), { migrate: false });
  const results: { name: string; p50: number; p95: number; max: number; rows: number }[] = [];
  try {
    const owner = await services.db.user.findFirstOrThrow({ where: { role: "owner" } });
    const { token } = await createSession(services.db, owner.id, 1);
    const app = createApp(services);
    const get = async (query: string) => {
      const res = await app.request(`/api/admin/users?${query}`, { headers: { cookie: `parley_session=${token}` } });
      if (res.status !== 200) throw new Error(`${query}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { users: unknown[]; nextCursor: string | null };
    };
    for (const scenario of scenarios) {
      // "…&cursor=" scenarios continue from page 11 of the same list, reached by following cursors.
      let cursor = "";
      const base = scenario.query();
      if (base.endsWith("&cursor=")) {
        for (let page = 1; page <= 10; page++) cursor = (await get(`${base}${cursor}`)).nextCursor ?? "";
      }
      const query = () => `${scenario.query()}${cursor}`;
      for (let i = 0; i < 20; i++) await get(query());
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        rows += (await get(query())).users.length;
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const r = {
        name: scenario.name,
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        max: times.at(-1) ?? 0,
        rows: Math.round(rows / RUNS),
      };
      results.push(r);
      log(
        `  ${r.name.padEnd(44)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  max ${r.max.toFixed(1).padStart(6)} ms  ${r.rows} rows/page`,
      );
    }
  } finally {
    await services.close();
    if (!args.keep) await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
  writeSection(results, pgVersion);
  const worst = Math.max(...results.map((r) => r.p95));
  log(`worst p95 ${worst.toFixed(1)} ms (target ≤ ${TARGET_P95_MS} ms): ${worst <= TARGET_P95_MS ? "met" : "MISSED"}`);
}

function writeSection(
  results: { name: string; p50: number; p95: number; max: number; rows: number }[],
  pgVersion: string,
) {
  const file = path.resolve(import.meta.dirname, "..", "..", "BENCHMARKS.md");
  const [start, end] = ["<!-- bench-user-search:start -->", "<!-- bench-user-search:end -->"];
  const ms = (v: number) => v.toFixed(1);
  const section = [
    start,
    "## Admin user search (`api/scripts/bench-user-search.ts`)",
    "",
    `${USERS.toLocaleString("en-US")} users; GET /api/admin/users through the real app (session, validation, query, JSON), ${RUNS} runs per row after 20 warm-up runs, one client, page size 50.`,
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB memory, Node ${process.version}, PostgreSQL ${pgVersion}. Run ${new Date().toISOString().slice(0, 10)}, load average ${os.loadavg()[0]?.toFixed(1)} at the end (other work on the machine shows in the tails).`,
    "",
    ...table(
      ["search", "p50 ms", "p95 ms", "max ms", "rows/page", `p95 ≤ ${TARGET_P95_MS} ms`],
      "lrrrrl",
      results.map((r) => [
        r.name,
        ms(r.p50),
        ms(r.p95),
        ms(r.max),
        String(r.rows),
        r.p95 <= TARGET_P95_MS ? "met" : "MISSED",
      ]),
    ),
    end,
  ].join("\n");
  const current = existsSync(file)
    ? readFileSync(file, "utf8")
    : "# Benchmarks\n\nEach section is written by the script it names; re-run the script to refresh it.\n";
  const next = current.includes(start)
    ? current.replace(new RegExp(`${start}[\\s\\S]*?${end}`), section)
    : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

/** A Markdown table with padded columns, as Biome formats them (`biome ci` checks BENCHMARKS.md). */
function table(header: string[], align: string, rows: string[][]) {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const right = (i: number) => align[i] === "r";
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (right(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (right(i) ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)];
}
