// PostgreSQL, Redis and a Kafka broker of the chaos run's own, which it may kill and restart: started by the
// project's `ops/services up` on free loopback ports under a temporary state dir, and stopped (and the dir
// removed) at the end. The machine's shared servers (5432, 6379, 9092) are never touched.
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort, kill9Pid } from "../../test/support/processes.js";

const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
const opsServices = path.join(repoRoot, "ops", "services");

/**
 * Resolves once nothing accepts connections on the port. A killed JVM's main thread shows as a zombie
 * (kill9Pid's "gone") while its other threads are still exiting and its listening socket still open; were
 * `ops/services up` to ask then, it would take the dying broker for someone else's and use it.
 */
async function untilRefused(port: number) {
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(true));
    });
    if (refused) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type ServiceName = "postgres" | "redis" | "kafka";

/** Runs a bash command with the run's env, echoing its output indented (progress); rejects with its tail. */
function sh(env: NodeJS.ProcessEnv, args: string[], echo: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    let partial = "";
    const take = (d: Buffer) => {
      tail = (tail + d).slice(-4000);
      partial += String(d);
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) echo(line);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.once("error", reject);
    child.once("exit", (code) => {
      if (partial.trim()) echo(partial);
      if (code === 0) resolve();
      else reject(new Error(`bash ${args.join(" ")} exited with ${code}:\n${tail}`));
    });
  });
}

export class PrivateServices {
  private constructor(
    readonly state: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly ports: { postgres: number; redis: number; kafka: number },
    private readonly echo: (line: string) => void,
  ) {}

  /** postgres, redis, kafka up, in that order; on failure whatever started is stopped again. */
  static async start(echo: (line: string) => void): Promise<PrivateServices> {
    const state = mkdtempSync(path.join(os.tmpdir(), "parley-chaos-"));
    // As root, PostgreSQL runs as user postgres, which must reach its data dir inside this one.
    chmodSync(state, 0o755);
    const ports = new Set<number>();
    while (ports.size < 4) ports.add(await freePort());
    const [postgres, redis, kafka, controller] = [...ports] as [number, number, number, number];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PARLEY_STATE_DIR: state,
      PGHOST: "127.0.0.1",
      PGPORT: String(postgres),
      REDIS_HOST: "127.0.0.1",
      REDIS_PORT: String(redis),
      KAFKA_PORT: String(kafka),
      KAFKA_CONTROLLER_PORT: String(controller),
      KAFKA_HEAP: process.env.KAFKA_HEAP ?? "384m",
      // The broker's Maven classpath as the user's ops/services cached it: not resolved again per run.
      PARLEY_KAFKA_CLASSPATH_DIR:
        process.env.PARLEY_KAFKA_CLASSPATH_DIR ?? path.join(os.homedir(), ".cache", "parley", "kafka"),
      PARLEY_START_TIMEOUT: process.env.PARLEY_START_TIMEOUT ?? "120",
      KAFKA_START_TIMEOUT: process.env.KAFKA_START_TIMEOUT ?? "180",
    };
    const services = new PrivateServices(state, env, { postgres, redis, kafka }, echo);
    try {
      await services.up("postgres", "redis", "kafka");
    } catch (error) {
      await services.stop();
      throw error;
    }
    return services;
  }

  get adminDatabaseUrl() {
    return `postgresql://postgres@127.0.0.1:${this.ports.postgres}/postgres`;
  }
  get redisUrl() {
    return `redis://127.0.0.1:${this.ports.redis}`;
  }
  get kafkaBrokers() {
    return [`127.0.0.1:${this.ports.kafka}`];
  }

  up(...names: ServiceName[]) {
    return sh(this.env, [opsServices, "up", ...names], this.echo);
  }

  /** kill -9 of our redis-server; resolves once it is gone. */
  async kill9Redis() {
    await kill9Pid(Number(readFileSync(path.join(this.state, "redis", "redis.pid"), "utf8").trim()));
    await untilRefused(this.ports.redis);
  }

  /** kill -9 of our broker (`<pid> <port>` in its pid file); resolves once it is gone. */
  async kill9Kafka() {
    const [pid] = readFileSync(path.join(this.state, "kafka", "kafka.pid"), "utf8")
      .trim()
      .split(/\s+/);
    await kill9Pid(Number(pid));
    await untilRefused(this.ports.kafka);
  }

  /**
   * PostgreSQL's crash: `pg_ctl stop -m immediate` (every server process quits at once, no checkpoint; the
   * next start replays the WAL), through ops/lib/postgres.sh's own helpers and marker.
   */
  crashPostgres() {
    const script = `. "${repoRoot}/ops/lib/common.sh"; . "${repoRoot}/ops/lib/postgres.sh"
      as_pg "$(marker_get postgres bindir)/pg_ctl" stop -D "$(marker_get postgres data)" -m immediate -w -t 60 >/dev/null`;
    return sh(this.env, ["-c", script], this.echo);
  }

  async stop() {
    await sh(this.env, [opsServices, "down", "postgres", "redis", "kafka"], () => {}).catch((error) =>
      console.error(`chaos: could not stop the private services (${error.message}); their state: ${this.state}`),
    );
    rmSync(this.state, { recursive: true, force: true });
  }
}
