// A node's drain on SIGTERM (rolling restart, deploy, scale-in): it stops taking new sockets (the gateway
// answers 503 so a load balancer retries the upgrade on another node, /readyz says "draining"), then
// closes its sockets with 1012 spread evenly over `spreadMs`, so the other nodes take the reconnects
// as a stream rather than one stampede. Each socket first answers every frame it has already received
// (an in-flight send gets its accepted/refused reply), then closes; frames arriving after the close
// frame are not handled, and the client sends them again on its new socket with the same clientId.
import type { Connection } from "./connection.js";

export interface Drainable {
  readonly connections: Set<Connection>;
  draining: boolean;
}

export interface DrainResult {
  sockets: number;
  /** From the start of the drain until the last socket closed (or the deadline). */
  ms: number;
  /** Sockets still open at the deadline (their pending frames never finished). */
  leftOpen: number;
}

/**
 * Marks the node draining and closes every socket, the i-th of n after i/n of `spreadMs`. Resolves when
 * all are closed or `deadlineMs` after the start, whichever comes first.
 */
export async function drainSockets(
  node: Drainable,
  opts: { spreadMs: number; deadlineMs: number; code: number; reason: string },
): Promise<DrainResult> {
  const started = performance.now();
  node.draining = true;
  const sockets = [...node.connections];
  const closes = sockets.map(
    (connection, i) =>
      new Promise<void>((resolve) => {
        const at = sockets.length > 1 ? (opts.spreadMs * i) / (sockets.length - 1) : 0;
        setTimeout(() => void connection.closeAfterPending(opts.code, opts.reason).then(resolve, resolve), at);
      }),
  );
  let deadline: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(closes),
    new Promise((resolve) => {
      deadline = setTimeout(resolve, opts.deadlineMs);
    }),
  ]);
  clearTimeout(deadline);
  const leftOpen = sockets.filter((c) => !c.isClosed).length;
  return { sockets: sockets.length, ms: Math.round(performance.now() - started), leftOpen };
}
