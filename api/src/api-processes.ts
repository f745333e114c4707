// All cores of one host: API_PROCESSES API processes behind one port. Each is a full node of the cluster
// design (its own NODE_ID, sockets, inline persister and notifier in their consumer groups), so nothing is
// shared between them but PostgreSQL, Redis and Kafka, exactly as between hosts.
//
// Why one port through a primary rather than SO_REUSEPORT or ports behind nginx: Node has no SO_REUSEPORT
// for HTTP servers before v22.12 (we run 20), and separate ports would make `ops/start`'s one port a
// proxy's job. The primary accepts each connection (without reading it) and passes it to the next worker
// in turn, so sockets spread evenly; it does no other work.
//
// Why not node:cluster's own round-robin: it hands a connection to a worker and forgets it until the
// worker says it took it. A worker killed (kill -9, OOM) before the primary hears of its death — a few
// hundred ms on a busy host — still gets connections, and those are never answered nor closed: the client
// hangs until its own timeout (the api-processes test's kill -9 waited forever on one). Here the primary
// keeps its copy of each connection until the worker acknowledges it, and a worker's unacknowledged
// connections go to another worker when it dies. A worker that dies is replaced; its clients reconnect
// (to the others, then to it) and resume from their last seq, as after any node's crash.
import cluster, { type Worker } from "node:cluster";
import type { Server } from "node:http";
import net from "node:net";
import os from "node:os";
import type { Config } from "./config.js";
import type { Logger } from "./lib/logger.js";

/** How many API processes this host runs: API_PROCESSES ("auto" = one per core), else one per core in
 * production and one otherwise. Always one on the embedded default (in-process bus and log). */
export function apiProcessCount(config: Config, logger?: Logger): number {
  const asked = config.API_PROCESSES ?? (config.NODE_ENV === "production" ? "auto" : 1);
  const count = asked === "auto" ? os.availableParallelism() : asked;
  if (count > 1 && (!config.REDIS_URL || !config.KAFKA_BROKERS)) {
    logger?.warn(
      { asked },
      "API_PROCESSES > 1 needs REDIS_URL and KAFKA_BROKERS (processes share nothing else); running one process",
    );
    return 1;
  }
  return count;
}

const RESTART_DELAY_MS = 1000;

/** Between the primary and its workers (IPC). */
type ToWorker = { parley: "connection"; id: number };
type FromWorker = { parley: "ready" } | { parley: "accepted"; id: number };

/** The primary: forks the first worker and waits until it is ready (it migrates and bootstraps the
 * workspace), then listens and forks the others; replaces any that dies; on SIGTERM/SIGINT stops
 * accepting, drains them all, then exits. */
export function runPrimary(count: number, logger: Logger, address: { host: string; port: number }) {
  const baseNodeId = process.env.NODE_ID;
  const slots = new Map<number, number>(); // worker id → slot
  const rotation: Worker[] = []; // ready workers, in turn
  let turn = 0;
  /** Connections handed to a worker and not yet acknowledged, by worker id and connection id. */
  const unacked = new Map<number, Map<number, net.Socket>>();
  const waiting: net.Socket[] = [];
  let nextId = 0;
  let stopping = false;
  let up = false;

  const dispatch = (socket: net.Socket) => {
    if (socket.destroyed) return;
    const worker = rotation.length > 0 ? rotation[turn++ % rotation.length] : undefined;
    if (!worker) {
      waiting.push(socket);
      return;
    }
    const id = ++nextId;
    unacked.get(worker.id)?.set(id, socket);
    // keepOpen: the primary's copy stays open until the worker acknowledges, so a dead worker's
    // connection can go to another.
    worker.send({ parley: "connection", id } satisfies ToWorker, socket, { keepOpen: true }, (error) => {
      if (!error) return;
      if (unacked.get(worker.id)?.delete(id)) dispatch(socket);
    });
  };
  const server = net.createServer({ pauseOnConnect: true }, dispatch);
  server.on("error", (error) => {
    logger.error({ err: error }, "the API port could not be opened");
    stop("SIGTERM");
  });

  const fork = (slot: number) => {
    const env: Record<string, string> = { PARLEY_API_PROCESS: String(slot), PARLEY_API_PROCESSES: String(count) };
    // A NODE_ID set by hand names the host: each process needs its own (Kafka client, SFU link, locks).
    if (baseNodeId) env.NODE_ID = `${baseNodeId}-p${slot}`;
    const worker = cluster.fork(env);
    slots.set(worker.id, slot);
    unacked.set(worker.id, new Map());
    worker.on("message", (message: FromWorker) => {
      if (message?.parley === "accepted") {
        unacked.get(worker.id)?.get(message.id)?.destroy(); // the worker holds its own copy
        unacked.get(worker.id)?.delete(message.id);
      } else if (message?.parley === "ready") {
        rotation.push(worker);
        if (!up) {
          up = true;
          server.listen(address.port, address.host, () => {
            for (let s = 1; s < count && !stopping; s++) fork(s);
            logger.info({ processes: count }, "API processes started");
          });
        }
        for (const socket of waiting.splice(0)) dispatch(socket);
      }
    });
    return worker;
  };

  cluster.on("exit", (worker, code, signal) => {
    const slot = slots.get(worker.id) ?? 0;
    slots.delete(worker.id);
    const at = rotation.indexOf(worker);
    if (at >= 0) rotation.splice(at, 1);
    const orphans = [...(unacked.get(worker.id)?.values() ?? [])];
    unacked.delete(worker.id);
    if (!up) {
      // The first process failed before it was ready (its error is above): starting it again would loop.
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.kill("SIGTERM");
      process.exit(code || 1);
    }
    if (stopping) {
      for (const socket of orphans) socket.destroy();
      if (slots.size === 0) process.exit(0);
      return;
    }
    logger.error(
      { slot, pid: worker.process.pid, code, signal, handedOn: orphans.length },
      "an API process died; its unanswered connections go to the others, and another starts",
    );
    for (const socket of orphans) dispatch(socket);
    setTimeout(() => fork(slot), RESTART_DELAY_MS);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, processes: slots.size }, "stopping the API processes");
    server.close();
    for (const socket of waiting.splice(0)) socket.destroy();
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    if (slots.size === 0) process.exit(0);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  fork(0);
}

/** In a worker: serves the connections the primary passes, acknowledging each at once; tells the primary
 * it is ready for them. */
export function serveFromPrimary(server: Server) {
  process.on("message", (message: ToWorker, socket?: net.Socket) => {
    if (message?.parley !== "connection" || !socket) return;
    process.send?.({ parley: "accepted", id: message.id } satisfies FromWorker);
    server.emit("connection", socket);
    socket.resume();
  });
  process.send?.({ parley: "ready" } satisfies FromWorker);
}

/** In a worker: whether it is the first (which prints the start banner). */
export const isFirstProcess = () => !cluster.isWorker || process.env.PARLEY_API_PROCESS === "0";
