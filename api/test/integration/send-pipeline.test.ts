// One socket's sends are pipelined into the log (realtime/connection.ts onMessage): each send's produce
// starts without waiting for the previous one's Kafka ack, yet every reply is "accepted = durable" and the
// replies and the stored order are the order the client sent in. Real Kafka, Redis and PostgreSQL; the
// node runs in this process over a log whose acks the test holds and releases, so nothing here is timed.
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Persister } from "../../src/persister/persister.js";
import type { EventLog, LogRecord } from "../../src/realtime/event-log.js";
import { createRealtimeApp } from "../../src/realtime/node.js";
import type { ServerFrame } from "../../src/realtime/protocol.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { freePort } from "../support/processes.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

/** The real log, each append's acknowledgement held until the test releases it (after Kafka's own ack). */
class HeldLog {
  readonly appends: { records: LogRecord[]; durable: Promise<void>; release: () => void }[] = [];
  holding = false;
  constructor(private readonly real: EventLog) {}

  asLog(): EventLog {
    return Object.assign(Object.create(this.real) as EventLog, {
      append: (records: LogRecord[]) => {
        const durable = this.real.append(records); // queued now, in call order
        if (!this.holding) return durable;
        let release!: () => void;
        const released = new Promise<void>((resolve) => {
          release = resolve;
        });
        this.appends.push({ records, durable, release });
        return Promise.all([durable, released]).then(() => {});
      },
    });
  }
}

let stack: TestStack;
let services: Running;
let held: HeldLog;
let server: Server;
let realtime: ReturnType<typeof createRealtimeApp>;
let url: string;
let persister: Persister;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  persister = new Persister(services);
  await persister.start();
  held = new HeldLog(services.log);
  realtime = createRealtimeApp({ ...services, log: held.asLog() });
  const port = await freePort();
  server = serve({ fetch: realtime.app.fetch, hostname: "127.0.0.1", port }) as Server;
  realtime.attach(server);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  url = `http://127.0.0.1:${port}`;
}, 180_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await realtime?.drain(0);
  server?.close();
  await persister?.stop();
  await stack?.cleanup();
});

async function memberSocket() {
  const user = await createUser(services.db);
  const channel = await createChannel(services.db, [user.id], "private");
  const socket = await TestSocket.connect(url, await sessionToken(services.db, user.id));
  sockets.push(socket);
  await socket.ok("resume", { positions: {} });
  return { socket, channelId: channel.id };
}

const replies = (socket: TestSocket) =>
  socket.frames.filter((f): f is Extract<ServerFrame, { type: "reply" }> => f.type === "reply");
const createdClientIds = (socket: TestSocket, channelId: string) =>
  socket
    .events(channelId)
    .filter((e) => e.type === "messageCreated")
    .map((e) => (e.data as { clientId: string }).clientId);

describe("one socket's sends", () => {
  it("start their appends before earlier acks, and are answered only once durable, in order", async () => {
    const { socket, channelId } = await memberSocket();
    const before = replies(socket).length;
    held.holding = true;
    try {
      const sent = ["p1", "p2", "p3"].map((clientId) =>
        socket.request("sendMessage", { channelId, clientId, body: `pipelined ${clientId}` }),
      );
      // All three are in the log's queue while none has been acknowledged to the socket.
      await waitFor(() => held.appends.length === 3, "three appends started");
      const [first, second, third] = held.appends as [
        (typeof held.appends)[0],
        (typeof held.appends)[0],
        (typeof held.appends)[0],
      ];
      expect([first, second, third].map((a) => JSON.parse(a.records[0]?.value ?? "{}").data.clientId)).toEqual([
        "p1",
        "p2",
        "p3",
      ]);
      await Promise.all([first.durable, second.durable, third.durable]); // in Kafka, acks still held
      expect(replies(socket).length).toBe(before);

      // The third's ack first: its reply must still wait for the first and the second.
      third.release();
      first.release();
      await waitFor(() => replies(socket).length > before, "the first reply");
      expect(
        replies(socket)
          .slice(before)
          .map((r) => r.ok && (r.result as { clientId: string }).clientId),
      ).toEqual(["p1"]);
      second.release();
      const results = await Promise.all(sent);
      expect(results.map((r) => r.ok && r.result.status)).toEqual(["accepted", "accepted", "accepted"]);
      expect(
        replies(socket)
          .slice(before)
          .map((r) => r.ok && (r.result as { clientId: string }).clientId),
      ).toEqual(["p1", "p2", "p3"]);
    } finally {
      held.holding = false;
      for (const a of held.appends.splice(0)) a.release();
    }
    await waitFor(() => createdClientIds(socket, channelId).length === 3, "three messages stored and delivered");
    expect(createdClientIds(socket, channelId)).toEqual(["p1", "p2", "p3"]);
  });

  it("sent back to back are stored and answered in the order sent", async () => {
    const { socket, channelId } = await memberSocket();
    const clientIds = Array.from({ length: 40 }, (_, i) => `b${i}`);
    const results = await Promise.all(
      clientIds.map((clientId) => socket.request("sendMessage", { channelId, clientId, body: clientId }, 60_000)),
    );
    expect(results.every((r) => r.ok && r.result.status === "accepted")).toBe(true);
    const answered = replies(socket)
      .filter((r) => r.ok && r.request === "sendMessage")
      .map((r) => (r.ok ? (r.result as { clientId: string }).clientId : ""));
    expect(answered).toEqual(clientIds);
    await waitFor(() => createdClientIds(socket, channelId).length === clientIds.length, "every message delivered");
    expect(createdClientIds(socket, channelId)).toEqual(clientIds);
    const seqs = socket.events(channelId).map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
