// Ports for the servers tests start (API, SFU, its media, embedded PostgreSQL, metrics), for every package
// (the API's test support re-exports these).
//
// Why not `listen(0)`, close, and hand the number on: the kernel gives that number from the ephemeral range
// (Linux: 32768–60999), the range it also hands to every outgoing connection. Between our close and the
// child's bind, one of the suite's many clients (Chromium, kafkajs, ioredis, pg) can be given it, and the
// child fails with "address already in use" — seen in CI as the SFU's media port. Ports below the ephemeral
// range are never handed out on their own, so one checked free there stays free unless a test picks it too;
// picks are random over thousands of ports and never repeated within a process.
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** Below the kernel's ephemeral range, above the well-known and registered ports services commonly use. */
function testRange(): [number, number] {
  let ephemeralLow = 32768;
  try {
    ephemeralLow = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
  } catch {
    // not Linux: keep the default
  }
  // A machine whose ephemeral range starts lower gets 10000–19999, which may then meet outgoing connections.
  return ephemeralLow > 21_000 ? [20_000, ephemeralLow] : [10_000, 20_000];
}

const [LOW, HIGH] = testRange();
const given = new Set<number>();

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.unref();
    socket.once("error", () => resolve(false));
    socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
  });
}

async function pick(alsoUdp: boolean): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (given.has(port)) continue;
    if (!(await tcpFree(port))) continue;
    if (alsoUdp && !(await udpFree(port))) continue;
    given.add(port);
    return port;
  }
  throw new Error(`no free port found in ${LOW}–${HIGH} after 200 tries: is something holding that whole range?`);
}

/** A TCP port on 127.0.0.1 that nothing listens on, outside the range outgoing connections are given. */
export function freePort(): Promise<number> {
  return pick(false);
}

/** A port free for both TCP and UDP, for the SFU's media (its WebRtcServer listens on both). */
export function freeMediaPort(): Promise<number> {
  return pick(true);
}
