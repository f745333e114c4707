// Sends chat messages at a steady rate over real sockets, for watching the live operations view (and for
// its test): node --import tsx scripts/send-load.ts --url http://127.0.0.1:3000 --token <session token>
//   --channel <channel id> [--rate 200] [--seconds 60] [--sockets 4]
// Prints one progress line a second (sent, accepted, refused, waiting); stops on SIGTERM or after --seconds.
// The first socket also reads the channel, as a member with it open would.
// The API must allow the rate: SEND_RATE_PER_10S ≥ rate × 10 (per user), SOCKET_FRAMES_PER_SECOND ≥ rate / sockets.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { SESSION_COOKIE } from "../src/middleware/session/index.js";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    token: { type: "string" },
    channel: { type: "string" },
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "60" },
    sockets: { type: "string", default: "4" },
  },
});
if (!values.url || !values.token || !values.channel) {
  process.stderr.write(
    "send-load needs --url, --token (a session token) and --channel (a channel id you are a member of).\n",
  );
  process.exit(2);
}
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const socketCount = Math.max(1, Number(values.sockets));
const TICK_MS = 50;

let sent = 0;
let accepted = 0;
let refused = 0;
let lastRefusal = "";

function open(): Promise<WebSocket> {
  const ws = new WebSocket(`${values.url?.replace(/^http/, "ws")}/ws`, {
    headers: { cookie: `${SESSION_COOKIE}=${values.token}`, origin: values.url ?? "" },
  });
  ws.on("message", (data) => {
    const frame = JSON.parse(String(data)) as { type: string; ok?: boolean; error?: { code: string } };
    if (frame.type !== "reply") return;
    if (frame.ok) accepted++;
    else {
      refused++;
      lastRefusal = frame.error?.code ?? "?";
    }
  });
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`the socket was refused: HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

async function main() {
  const sockets = await Promise.all(Array.from({ length: socketCount }, open));
  // One socket reads the channel too (resume): a message is "delivered" only where someone has it open, and
  // the live view's send → delivered latency is measured at those deliveries.
  sockets[0]?.send(JSON.stringify({ id: "resume", type: "resume", positions: {} }));
  const started = performance.now();
  let next = 0;
  // Sends are spread over ticks and sockets; the count due is derived from the clock, so a late tick catches up.
  const tick = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      const ws = sockets[next++ % sockets.length];
      ws?.send(
        JSON.stringify({
          id: `l${sent}`,
          type: "sendMessage",
          channelId: values.channel,
          clientId: randomUUID(),
          body: `load ${sent}`,
        }),
      );
    }
  }, TICK_MS);
  const progress = setInterval(() => {
    const waiting = sent - accepted - refused;
    const why = refused > 0 ? ` (last refusal: ${lastRefusal})` : "";
    process.stdout.write(`sent ${sent} accepted ${accepted} refused ${refused}${why} waiting ${waiting}\n`);
  }, 1000);
  const stop = () => {
    clearInterval(tick);
    clearInterval(progress);
    for (const ws of sockets) ws.close();
    process.stdout.write(`done: sent ${sent} accepted ${accepted} refused ${refused}\n`);
    setTimeout(() => process.exit(0), 200);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  setTimeout(stop, seconds * 1000);
}

main().catch((error) => {
  process.stderr.write(`send-load failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
