// The fault-injection runner's entry (run it through `bash ops/chaos`):
//   bash ops/chaos [--no-markdown] [fault …]      (runs the faults whose name contains one of the words)
// Private services → product → steady traffic → each fault in turn (quiet seconds, inject, wait for
// recovery, settle) → the final count against the database and every client → table, BENCHMARKS.md section.
// Exit 1 when anything accepted was lost, duplicated or reordered, or a fault's own bar was missed.
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrateDeploy } from "../../src/lib/migrate.js";
import { createDb } from "../../src/lib/prisma.js";
import { createChannel, createUser } from "../../test/support/fixtures.js";
import { sessionToken, TestSocket } from "../../test/support/socket-client.js";
import { FAULTS, type Fault, type FaultContext } from "./faults.js";
import { partitionOf } from "./poison.js";
import { Product } from "./product.js";
import { printRows, writeMarkdown } from "./report.js";
import { PrivateServices } from "./services.js";
import { counters, type Phase, type Row, recoveryMs, storedSeqs, tally } from "./tally.js";
import { Traffic } from "./traffic.js";

const CLIENTS = 6;
const INTERVAL_MS = 100;
const PARTITIONS = 4;
/** Longest wait for the traffic to recover from one fault before the runner calls it unrecovered. */
const RECOVERY_LIMIT_MS = 120_000;
const SETTLE_MS = 3000;
/** The whole run, services included; past it the runner stops everything and fails. */
const DEADLINE_MS = 20 * 60_000;

const started = performance.now();
const clock = () => `${String(Math.round((performance.now() - started) / 1000)).padStart(4)} s`;
const say = (message: string) => console.log(`[${clock()}] ${message}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv: string[]) {
  let markdown = true;
  const only: string[] = [];
  for (const a of argv) {
    if (a === "--no-markdown") markdown = false;
    else if (a === "--help" || a === "-h") {
      console.log(`usage: bash ops/chaos [--no-markdown] [fault …]\nfaults: ${FAULTS.map((f) => f.name).join("; ")}`);
      process.exit(0);
    } else if (a.startsWith("-")) throw new Error(`unknown option ${a} (see --help)`);
    else only.push(a.toLowerCase());
  }
  const faults = FAULTS.filter((f) => only.length === 0 || only.some((o) => f.name.toLowerCase().includes(o)));
  if (faults.length === 0)
    throw new Error(`no fault matches ${only.join(", ")}; faults: ${FAULTS.map((f) => f.name).join("; ")}`);
  // A run of only some faults is for development: its numbers do not replace the committed table.
  return { markdown: markdown && faults.length === FAULTS.length, faults };
}

let services: PrivateServices | undefined;
let product: Product | undefined;
let traffic: Traffic | undefined;

async function shutdown() {
  traffic?.close();
  await product?.stop().catch(() => {});
  await services?.stop();
}

async function waitUntil(check: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = performance.now() + limitMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const loadAvg = os.loadavg().map((l) => Math.round(l * 100) / 100);
  say(`Parley fault runner: ${args.faults.length} fault(s); load average ${loadAvg.join(" ")}`);

  say("starting a private PostgreSQL, Redis and Kafka broker (ops/services, free ports, temporary state)");
  services = await PrivateServices.start((line) => console.log(`         | ${line}`));
  const databaseUrl = services.adminDatabaseUrl.replace(/\/postgres$/, "/parley_chaos");
  const admin = new pg.Client({ connectionString: services.adminDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE parley_chaos`);
  const versions = [
    `PostgreSQL ${((await admin.query("SHOW server_version")).rows[0]?.server_version ?? "?").split(" ")[0]}`,
    `Redis ${/v=(\S+)/.exec(execSync("redis-server --version").toString())?.[1] ?? "?"}`,
    `Kafka ${/<kafka.version>([^<]+)</.exec(readFileSync(path.resolve(import.meta.dirname, "../../../ops/kafka/pom.xml"), "utf8"))?.[1] ?? "?"} (one broker)`,
  ].join(", ");
  await admin.end();
  say("migrating the database");
  await migrateDeploy(databaseUrl);

  const env: Record<string, string> = {
    NODE_ENV: "production",
    LOG_LEVEL: "error",
    DATABASE_URL: databaseUrl,
    REDIS_URL: services.redisUrl,
    REDIS_PREFIX: "parley-chaos:",
    KAFKA_BROKERS: services.kafkaBrokers.join(","),
    KAFKA_TOPIC_PREFIX: "parley-chaos",
    KAFKA_PARTITIONS: String(PARTITIONS),
    ADMIN_EMAIL: "owner@parley.chaos",
    ADMIN_PASSWORD: "owner-password-123",
    PERSISTER: "off",
    SEND_RATE_PER_10S: "100000",
  };
  say("starting 3 API nodes and a standalone persister");
  product = await Product.start(env);

  const db = createDb(databaseUrl);
  const users = await Promise.all(Array.from({ length: CLIENTS + 1 }, () => createUser(db)));
  const members = users.map((u) => u.id);
  const channel = await createChannel(db, members.slice(0, CLIENTS));
  const lane = partitionOf(channel.id, PARTITIONS);
  let poisoned = await createChannel(db, members.slice(CLIENTS));
  while (partitionOf(poisoned.id, PARTITIONS) !== lane) poisoned = await createChannel(db, members.slice(CLIENTS));
  const tokens = await Promise.all(members.map((id) => sessionToken(db, id)));
  await db.$disconnect();
  const poisonSocket = await TestSocket.connect(product.urls[0] as string, tokens[CLIENTS] as string);
  await poisonSocket.ok("resume", { positions: {} });

  say(`steady traffic: ${CLIENTS} clients (2 per node), one message each every ${INTERVAL_MS} ms`);
  traffic = await Traffic.start(channel.id, tokens.slice(0, CLIENTS), product.urls, INTERVAL_MS);
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  sql.on("error", () => {}); // an idle connection broken by the PostgreSQL fault: the next query reconnects

  const phases: { phase: Phase; fault: Fault; measure: (end: number) => [string, string][] }[] = [];
  for (const fault of args.faults) {
    const phaseStart = performance.now();
    say(`${fault.name}: ${fault.warmMs / 1000} s of steady traffic first`);
    const startCounters = counters(traffic);
    await sleep(fault.warmMs);
    const ctx: FaultContext = {
      services,
      product,
      traffic,
      say: (m) => say(`${fault.name}: ${m}`),
      poison: {
        socket: poisonSocket,
        channelId: poisoned.id,
        authorId: users[CLIENTS]?.id as string,
        topic: "parley-chaos.events",
      },
      phaseStart,
    };
    const injectAt = performance.now();
    const measure = await fault.inject(ctx);
    const t = traffic;
    const recovered = await waitUntil(() => recoveryMs(t, injectAt) !== null, RECOVERY_LIMIT_MS);
    say(
      recovered
        ? `${fault.name}: recovered ${((recoveryMs(t, injectAt) ?? 0) / 1000).toFixed(1)} s after the injection`
        : `${fault.name}: NOT recovered after ${RECOVERY_LIMIT_MS / 1000} s`,
    );
    await sleep(SETTLE_MS);
    phases.push({
      fault,
      measure,
      phase: {
        fault: fault.name,
        start: phaseStart,
        injectAt,
        end: performance.now(),
        counters: { start: startCounters, end: counters(traffic) },
        extra: [],
      },
    });
  }

  say("stopping the traffic; waiting until every accepted message is on every client (at most 60 s)");
  await traffic.stopSending();
  const all = traffic;
  await waitUntil(() => all.sends.every((s) => all.deliveredEverywhere(s.id) !== undefined), 60_000);
  await sleep(1000); // a duplicate would arrive now
  const last = phases.at(-1);
  if (last) last.phase.counters.end = counters(all); // the last phase's late arrivals count in it
  const stored = await storedSeqs(sql, channel.id);
  const poisonStored = Number(
    (await sql.query(`SELECT count(*) AS n FROM "Message" WHERE "channelId" = $1::uuid`, [poisoned.id])).rows[0]?.n,
  );
  await sql.end();

  const rows: { row: Row; problem?: string | undefined }[] = phases.map(({ phase, fault, measure }) => {
    const extra = measure(phase.end);
    const row = tally({ ...phase, extra }, all, stored);
    let problem = fault.check?.(extra);
    if (fault.name.startsWith("poison") && poisonStored > 0) problem = `${poisonStored} poison messages were stored`;
    return { row, problem };
  });
  const total = all.sends.length;
  const unaccounted = all.sends.filter(
    (s) => !phases.some(({ phase }) => s.sentAt >= phase.start && s.sentAt < phase.end),
  );
  printRows(rows);
  console.log(`\n${total} messages in all; ${unaccounted.length} sent between phases (counted in no row).`);
  const failed = rows.filter(
    ({ row, problem }) => problem || row.lost || row.duplicates || row.reordered || row.recoveryMs === null,
  );
  for (const exit of product.unexpectedExits) console.log(`PROBLEM: ${exit}`);

  const seconds = Math.round((performance.now() - started) / 1000);
  if (args.markdown) {
    const file = writeMarkdown(rows, {
      startedAt,
      seconds,
      services: versions,
      config: `${CLIENTS} clients × 1 message / ${INTERVAL_MS} ms, ${PARTITIONS} partitions, NODE_ENV=production, KAFKA_SEND_TIMEOUT_MS default (5 s)`,
      loadAvg,
    });
    say(`updated ${file}`);
  } else say("BENCHMARKS.md left as it is (a filtered run, or --no-markdown)");
  say(failed.length === 0 ? "every fault met the bar" : `FAILED: ${failed.map((f) => f.row.fault).join("; ")}`);
  return failed.length === 0 && product.unexpectedExits.length === 0 ? 0 : 1;
}

const deadline = setTimeout(() => {
  console.error(
    `chaos: still running after ${DEADLINE_MS / 60_000} min: stopping everything (see the progress above for where it stuck)`,
  );
  if (product) console.error(product.tails());
  void shutdown().finally(() => process.exit(1));
}, DEADLINE_MS);
deadline.unref();

process.on("SIGINT", () => {
  console.error("chaos: interrupted; stopping the nodes and the private services");
  void shutdown().finally(() => process.exit(130));
});

main()
  .then(async (code) => {
    await shutdown();
    process.exit(code);
  })
  .catch(async (error) => {
    console.error(`chaos: ${error instanceof Error ? error.message : error}`);
    if (product) console.error(`\nlast output of the product's processes:\n${product.tails()}`);
    await shutdown();
    process.exit(1);
  });
