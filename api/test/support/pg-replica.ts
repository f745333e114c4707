// A private PostgreSQL primary with a streaming replica for one test file, from the machine's PostgreSQL
// binaries (Debian's postgresql package), on free loopback ports under a temporary folder, run as the
// `postgres` user when the test runs as root (initdb refuses root). The machine's shared server is never
// touched. stop() removes both.
import { execFile } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./processes.js";

const run = promisify(execFile);

export interface PgReplicaPair {
  primaryUrl: string;
  replicaUrl: string;
  /** Stops (true) or resumes (false) the replica's WAL replay: reads then see an older copy. */
  pauseReplay(paused: boolean): Promise<void>;
  /** Resolves when the replica has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Stops the replica alone (fast shutdown), as a failed replica. */
  stopReplica(): Promise<void>;
  stop(): Promise<void>;
}

/** The folder of the newest installed PostgreSQL's binaries, or null (then say what is missing and skip). */
export function postgresBinaries(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, "bin", "pg_basebackup")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : null;
}

export async function startPgReplicaPair(bin: string): Promise<PgReplicaPair> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "parley-pg-replica-"));
  chmodSync(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pgRun = (tool: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args], { cwd: dir })
      : run(path.join(bin, tool), args, { cwd: dir });
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primaryDir = path.join(dir, "primary");
  const replicaDir = path.join(dir, "replica");
  const started: string[] = [];
  const start = async (dataDir: string, port: number) => {
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=32MB`;
    await pgRun("pg_ctl", ["-D", dataDir, "-o", opts, "-l", `${dataDir}.log`, "-w", "-t", "60", "start"]);
    started.push(dataDir);
  };
  const stop = async () => {
    for (const dataDir of started.reverse()) {
      await pgRun("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => {});
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pgRun("initdb", ["-D", primaryDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    await start(primaryDir, primaryPort);
    // pg_hba from initdb --auth=trust already lets local replication connections in.
    await pgRun("pg_basebackup", [
      "-h",
      "127.0.0.1",
      "-p",
      String(primaryPort),
      "-U",
      "postgres",
      "-D",
      replicaDir,
      "-R",
    ]);
    await start(replicaDir, replicaPort);
  } catch (error) {
    await stop();
    throw error;
  }

  const primaryUrl = `postgresql://postgres@127.0.0.1:${primaryPort}/postgres`;
  const replicaUrl = `postgresql://postgres@127.0.0.1:${replicaPort}/postgres`;
  const query = async (url: string, text: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    primaryUrl,
    replicaUrl,
    async pauseReplay(paused) {
      await query(replicaUrl, paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()");
    },
    async caughtUp(timeoutMs = 30_000) {
      const [{ lsn }] = await query(primaryUrl, "SELECT pg_current_wal_lsn()::text AS lsn");
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [{ done }] = await query(replicaUrl, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`);
        if (done) return;
        if (Date.now() > deadline) throw new Error(`the replica did not replay up to ${lsn} in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stopReplica() {
      await pgRun("pg_ctl", ["-D", replicaDir, "-m", "fast", "-w", "stop"]);
      started.splice(started.indexOf(replicaDir), 1);
    },
    stop,
  };
}
