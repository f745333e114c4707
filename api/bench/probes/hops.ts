// Where a message's time goes, hop by hop, at a steady rate (the G5 latency tail): one API node and a
// standalone persister as processes; this probe sends round-robin over `senders` sockets (a socket handles
// its requests one at a time, so one socket alone tops out at a few hundred sends/s), receives over one
// more (a member, resumed) and listens on the Redis bus itself for the persister's announcement.
// Run: cd api && node --import tsx bench/probes/hops.ts [rate/s] [seconds] [senders]
// (services up: bash ops/services up)
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { SESSION_COOKIE } from "../../src/middleware/session/index.js";
import { RedisBus } from "../../src/realtime/bus.js";
import { type ChannelEvent, channelTopic } from "../../src/realtime/channel-events.js";
import type { ServerFrame } from "../../src/realtime/protocol.js";
import { Histogram } from "../lib/histogram.js";
import { startApiNode, startPersisterNode } from "../lib/processes.js";
import { seedChannels, seedMembers, seedUsers } from "../lib/seed.js";
import { cleanupRun, createStack } from "../lib/stack.js";

const rate = Number(process.argv[2] ?? 50);
const seconds = Number(process.argv[3] ?? 20);
const senderCount = Number(process.argv[4] ?? 10);

interface Times {
  sent: number;
  acked?: number;
  /** The API's accept time, written into the event before it is produced (ms, wall clock). */
  accepted?: number;
  announced?: number;
  delivered?: number;
}

async function open(url: string, token: string) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`, { headers: { cookie: `${SESSION_COOKIE}=${token}` } });
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  return ws;
}

const stack = await createStack("probe-hops");
const [channelId] = (await seedChannels(stack.db, 1, "hops")) as [string];
const users = await seedUsers(stack.db, senderCount + 1, "hops");
await seedMembers(
  stack.db,
  users.map((u) => ({ channelId, userId: u.id })),
);
const persister = await startPersisterNode(stack.env);
const api = await startApiNode("api-1", { ...stack.env, PERSISTER: "off", SEND_RATE_PER_10S: "100000" });
const bus = new RedisBus(stack.env.REDIS_URL as string, stack.env.REDIS_PREFIX as string);
try {
  const byMessage = new Map<string, Times>();
  const byClient = new Map<string, Times>();
  await bus.subscribe(channelTopic(channelId), (payload) => {
    const event = JSON.parse(payload) as ChannelEvent;
    if (event.type !== "messageCreated") return;
    const t = byClient.get(event.data.clientId);
    if (!t) return;
    t.announced = Date.now();
    t.accepted = Date.parse(event.at);
    byMessage.set(event.data.messageId, t);
  });
  const [receiver, ...senders] = await Promise.all(users.map((u) => open(api.url, u.token)));
  receiver?.on("message", (data) => {
    const frame = JSON.parse(String(data)) as ServerFrame;
    if (frame.type !== "channelEvent" || frame.event.type !== "messageCreated") return;
    const t = byClient.get(frame.event.data.clientId);
    if (t) t.delivered = Date.now();
  });
  for (const sender of senders)
    sender.on("message", (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if (frame.type !== "reply") return;
      const t = byClient.get(frame.id);
      if (t) t.acked = Date.now();
    });
  receiver?.send(JSON.stringify({ id: "r", type: "resume", positions: {} }));
  await new Promise((r) => setTimeout(r, 500));

  console.log(`sending ${rate}/s for ${seconds} s over ${senders.length} sockets into one channel ...`);
  const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    const clientId = randomUUID();
    byClient.set(clientId, { sent: Date.now() });
    senders[i % senders.length]?.send(
      JSON.stringify({ id: clientId, type: "sendMessage", channelId, clientId, body: `hop ${i}` }),
    );
    await new Promise((r) => setTimeout(r, 1000 / rate));
  }
  await new Promise((r) => setTimeout(r, 2000));

  const hops = {
    "send → accepted (socket in, checks)": (t: Times) => (t.accepted ?? Number.NaN) - t.sent,
    "accepted → acked (Kafka append, reply)": (t: Times) => (t.acked ?? Number.NaN) - (t.accepted ?? Number.NaN),
    "accepted → announced (consume, store, publish)": (t: Times) =>
      (t.announced ?? Number.NaN) - (t.accepted ?? Number.NaN),
    "announced → delivered (bus, node, socket)": (t: Times) =>
      (t.delivered ?? Number.NaN) - (t.announced ?? Number.NaN),
    "send → delivered": (t: Times) => (t.delivered ?? Number.NaN) - t.sent,
  };
  const all = [...byClient.values()];
  console.log(`${all.filter((t) => t.delivered).length} of ${all.length} delivered`);
  for (const [name, of] of Object.entries(hops)) {
    const h = new Histogram();
    for (const t of all) {
      const v = of(t);
      if (Number.isFinite(v)) h.record(Math.max(v, 0.01));
    }
    const s = h.summary();
    console.log(`${name.padEnd(48)} p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms  max ${s.max} ms`);
  }
  for (const ws of [receiver, ...senders]) ws?.close();
} finally {
  await bus.close();
  await Promise.all([api.stop(), persister.stop()]);
  await stack.cleanup();
  await cleanupRun();
}
