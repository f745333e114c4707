// Server CPU per WebSocket frame written to 1,000 loopback sockets (a child process receives): one frame
// per socket per event-loop turn, several, and several with the socket corked for the turn (one write);
// then the product's way (realtime/turn-cork.ts): one Buffer encoded for all sockets, sent as text, each
// socket corked until the turn ends. What a fan-out delivery costs below our code.
// Run: cd api && node --import tsx bench/probes/ws-write.ts
import { fork } from "node:child_process";
import type { Socket } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { corkForTurn } from "../../src/realtime/turn-cork.js";

const SOCKETS = 1000;
const TURNS = 20;

async function receiver(port: number) {
  let received = 0;
  await Promise.all(
    Array.from(
      { length: SOCKETS },
      (_, i) =>
        new Promise((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}`, { localAddress: `127.0.0.${2 + (i % 8)}` });
          ws.on("open", resolve);
          ws.on("message", () => received++);
        }),
    ),
  );
  process.send?.("ready");
  setInterval(() => process.send?.(received), 100);
}

async function sender() {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((r) => wss.once("listening", r));
  const child = fork(import.meta.filename, [String((wss.address() as { port: number }).port)], {
    execArgv: ["--import", "tsx"],
  });
  let received = 0;
  await new Promise((r) => child.once("message", r));
  child.on("message", (n) => {
    received = n as number;
  });
  const frame = JSON.stringify({ type: "channelEvent", event: { seq: 1, body: "x".repeat(300) } });
  const sockets = [...wss.clients];
  const bytes = Buffer.from(frame);
  const text = { binary: false } as const;
  const run = async (label: string, perTurn: number, corked: boolean | "product") => {
    const expected = received + sockets.length * TURNS * perTurn;
    const cpu = process.cpuUsage();
    for (let t = 0; t < TURNS; t++) {
      // The product's order: each frame (one bus message) goes to every socket before the next frame.
      if (corked === "product") {
        for (let k = 0; k < perTurn; k++) {
          for (const ws of sockets) {
            corkForTurn(ws);
            ws.send(bytes, text);
          }
        }
      } else {
        for (const ws of sockets) {
          const raw = (ws as unknown as { _socket: Socket })._socket;
          if (corked) raw.cork();
          for (let k = 0; k < perTurn; k++) ws.send(frame);
          if (corked) process.nextTick(() => raw.uncork());
        }
      }
      await new Promise((r) => setImmediate(r));
    }
    const used = process.cpuUsage(cpu);
    while (received < expected) await new Promise((r) => setTimeout(r, 20));
    const frames = sockets.length * TURNS * perTurn;
    console.log(`${label.padEnd(44)} ${((used.user + used.system) / frames).toFixed(1)} µs of server CPU per frame`);
  };
  await run("1 frame per socket per turn", 1, false);
  await run("4 frames per socket per turn", 4, false);
  await run("4 frames per socket per turn, corked", 4, true);
  await run("product: 1 frame per socket per turn", 1, "product");
  await run("product: 4 frames per socket per turn", 4, "product");
  child.kill();
  wss.close();
}

if (process.argv[2]) await receiver(Number(process.argv[2]));
else await sender();
