// The peer the suite compares Parley with (issue #19): the design most teams would pick for the same job.
// Socket.IO 4 on one port (WebSocket transport), @socket.io/redis-adapter so several nodes could share
// rooms, one room per channel, each message produced to Kafka and then broadcast to the channel's room.
// It does what such a server does on the same inputs: the handshake checks the session token against the
// same PostgreSQL table Parley uses (SHA-256 of the token), the socket joins the rooms of the user's
// channels, a send is checked against those rooms, written to Kafka (acks from all in-sync replicas, key =
// channel, so a channel keeps its order) and broadcast once the broker acknowledged it. What it does not
// do, Parley does: store the message, number it gap-free per channel, resume, presence.
//
// For the load generator's order check each broadcast carries a per-channel counter kept in this process
// (valid for the one node the scenario runs). Run by bench/scenarios/peer.ts; prints "peer ready".
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import { Kafka, logLevel, type Message, Partitioners } from "kafkajs";
import pg from "pg";
import { Server } from "socket.io";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`peer: ${name} is not set (bench/scenarios/peer.ts sets it)`);
  return value;
};
const port = Number(env("PORT"));
const prefix = env("PEER_PREFIX");
const topic = `${prefix}.peer-messages`;

const sql = new pg.Pool({ connectionString: env("DATABASE_URL"), max: 10 });
const pub = new Redis(env("REDIS_URL"));
const sub = pub.duplicate();
const kafka = new Kafka({ clientId: "peer", brokers: env("KAFKA_BROKERS").split(","), logLevel: logLevel.WARN });
const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });

// Sends that arrive within one turn of the event loop go to the broker in one request, as a KafkaJS user
// who cares about throughput would write it; each waits for that request's acknowledgement.
let queued: { message: Message; done: (error?: unknown) => void }[] = [];
function produce(channelId: string, value: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (queued.length === 0) setImmediate(flush);
    queued.push({ message: { key: channelId, value }, done: (error) => (error ? reject(error) : resolve()) });
  });
}
function flush() {
  const batch = queued;
  queued = [];
  producer.send({ topic, acks: -1, messages: batch.map((b) => b.message) }).then(
    () => {
      for (const b of batch) b.done();
    },
    (error) => {
      for (const b of batch) b.done(error);
    },
  );
}

const seqs = new Map<string, number>();

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 8 }] });
  // A busy broker may say "does not host this topic-partition" for a while after creating a topic.
  for (const deadline = Date.now() + 60_000; ; ) {
    const found = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
    if (found?.topics[0]?.partitions.every((p) => p.leader >= 0)) break;
    if (Date.now() > deadline) throw new Error(`peer: Kafka topic ${topic} has no leaders after 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await admin.disconnect();
  await producer.connect();

  const http = createServer();
  const io = new Server(http, {
    transports: ["websocket"],
    serveClient: false,
    perMessageDeflate: false,
    adapter: createAdapter(pub, sub, { key: `${prefix}:socket.io` }),
  });

  io.use(async (socket, next) => {
    const token = String(socket.handshake.auth?.token ?? "");
    const id = createHash("sha256").update(token).digest("hex");
    const found = await sql.query<{ userId: string }>({
      name: "peer-session",
      text: `SELECT "userId" FROM "Session" WHERE id = $1 AND "expiresAt" > now()`,
      values: [id],
    });
    const userId = found.rows[0]?.userId;
    if (!userId) return next(new Error("unauthorized"));
    socket.data.userId = userId;
    next();
  });

  io.on("connection", async (socket) => {
    const rows = await sql.query<{ channelId: string }>({
      name: "peer-channels",
      text: `SELECT "channelId" FROM "ChannelMember" WHERE "userId" = $1`,
      values: [socket.data.userId],
    });
    const channels = rows.rows.map((r) => r.channelId);
    socket.join(channels);
    socket.emit("ready", { channels: channels.map((channelId) => ({ channelId, toSeq: seqs.get(channelId) ?? 0 })) });

    socket.on("sendMessage", async (frame: { channelId?: unknown; clientId?: unknown; body?: unknown }, ack) => {
      if (typeof ack !== "function") return;
      const { channelId, clientId, body } = frame ?? {};
      if (typeof channelId !== "string" || typeof body !== "string" || typeof clientId !== "string")
        return ack({ ok: false, error: { code: "invalid" } });
      if (!socket.rooms.has(channelId)) return ack({ ok: false, error: { code: "not_member" } });
      const data = { body, clientId, authorId: socket.data.userId as string, createdAt: Date.now() };
      try {
        await produce(channelId, JSON.stringify({ channelId, ...data }));
      } catch {
        return ack({ ok: false, error: { code: "unavailable" } });
      }
      const seq = (seqs.get(channelId) ?? 0) + 1;
      seqs.set(channelId, seq);
      io.to(channelId).emit("channelEvent", { channelId, seq, type: "messageCreated", data });
      ack({ ok: true, result: { status: "accepted" } });
    });
  });

  await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", resolve));
  console.log(`peer ready on ${port}`);

  const stop = async () => {
    io.close();
    await producer.disconnect().catch(() => {});
    await sql.end().catch(() => {});
    pub.disconnect();
    sub.disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch((error) => {
  console.error(`peer failed to start: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
