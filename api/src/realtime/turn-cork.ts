// Holds a socket's writes until the end of the event-loop turn: a burst of frames to one socket (several
// channels, presence, a catch-up from the log) leaves in one writev instead of one syscall per frame, which
// was half of the fan-out's CPU (BENCHMARKS.md, finding 6). Corking only delays the write, so order is
// unchanged; but ws's `bufferedAmount` counts the corked bytes too, so a backlog check flushes first
// (flushNow) to tell "not written yet" from "not read by the client".
import type { Socket } from "node:net";
import type { WebSocket } from "ws";

const held: Socket[] = [];

function releaseAll() {
  for (const socket of held.splice(0)) socket.uncork();
}

// ws has no cork API; `_socket` is its net.Socket. ws corks and uncorks inside each send itself, so a
// socket corked between sends is corked by us.
const socketOf = (ws: WebSocket) => (ws as unknown as { _socket?: Socket })._socket;

/** Corks the socket under `ws` for the rest of this turn, unless it already is. */
export function corkForTurn(ws: WebSocket) {
  const socket = socketOf(ws);
  if (!socket || socket.writableCorked > 0 || socket.destroyed) return;
  socket.cork();
  if (held.push(socket) === 1) setImmediate(releaseAll);
}

/** Writes what this turn held for `ws` now (the kernel takes what it can); false if nothing was held. */
export function flushNow(ws: WebSocket): boolean {
  const socket = socketOf(ws);
  if (!socket || socket.writableCorked === 0) return false;
  while (socket.writableCorked > 0) socket.uncork();
  return true;
}
