// A client that stops reading while messages flow is closed with 4008 ("reconnect and resume") once its
// send buffer passes SOCKET_MAX_BUFFERED_BYTES, instead of growing the server's memory; it then resumes
// and gets everything it missed. (Loopback's kernel buffers take several MB before the server's grows.)
import { afterAll, beforeAll, expect, it } from "vitest";
import { CloseCode } from "../../src/realtime/protocol.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { sessionToken, TestSocket } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const SENDERS = 5;
const PER_SENDER = 1000;
let stack: TestStack;
let services: Running;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  api = await startApi({
    ...stack.env,
    SOCKET_MAX_BUFFERED_BYTES: "65536",
    // A paused reader answers no pings: the heartbeat must not cut it off first.
    SOCKET_HEARTBEAT_MS: "300000",
    SEND_RATE_PER_10S: "100000",
  });
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await stack?.cleanup();
});

it("closes a reader that stopped reading with 4008, and it resumes with everything", async () => {
  const [writer, reader] = await Promise.all([createUser(services.db), createUser(services.db)]);
  const channel = await createChannel(services.db, [writer.id, reader.id]);
  const readerToken = await sessionToken(services.db, reader.id);
  const slow = await TestSocket.connect(api.url, readerToken);
  await slow.ok("resume", { positions: {} });
  const raw = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  raw.pause();

  const writerToken = await sessionToken(services.db, writer.id);
  const senders = await Promise.all(Array.from({ length: SENDERS }, () => TestSocket.connect(api.url, writerToken)));
  const body = "x".repeat(3500);
  // Send until the server reports the close (its metric), then let the reader read on at once: ws gives
  // a peer 30 s to read up to a close frame before cutting it off.
  let closedByServer = false;
  let sending = true;
  const watch = (async () => {
    while (sending && !closedByServer) {
      const metrics = await (await fetch(`${api.url}/metrics`)).text();
      closedByServer = /^parley_socket_slow_consumer_closes_total [1-9]/m.test(metrics);
      if (!closedByServer) await new Promise((r) => setTimeout(r, 100));
    }
  })();
  let total = 0;
  await Promise.all(
    senders.map(async (s, n) => {
      for (let i = 0; i < PER_SENDER && !closedByServer; i++) {
        await s.ok("sendMessage", { channelId: channel.id, clientId: `${n}-${i}`, body: `${n}-${i} ${body}` });
        total++;
      }
    }),
  );
  sending = false;
  await watch;
  expect(closedByServer).toBe(true);
  raw.resume();
  expect(await slow.closed).toBe(CloseCode.slowConsumer);
  const stored = async () => (await services.db.channel.findUniqueOrThrow({ where: { id: channel.id } })).lastSeq;
  const deadline = Date.now() + 30_000;
  while ((await stored()) < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const got = slow.events(channel.id);
  expect(got.length).toBeLessThan(total);

  // Over 1000 events behind, resume says `resync` and the client pages the gap over HTTP; otherwise the
  // socket replays it.
  const again = await TestSocket.connect(api.url, readerToken);
  const position = got.at(-1)?.seq ?? 0;
  const resumed = await again.ok("resume", { positions: { [channel.id]: position } });
  const state = resumed.channels.find((c) => c.channelId === channel.id);
  expect(state).toMatchObject({ fromSeq: position, resync: total - position > 1000 });
  const fetched: number[] = [];
  for (let after = position; state?.resync && after < state.toSeq; ) {
    const res = await fetch(`${api.url}/api/channels/${channel.id}/events?after=${after}&limit=500`, {
      headers: { cookie: `parley_session=${readerToken}` },
    });
    const page = (await res.json()) as { events: { seq: number }[] };
    fetched.push(...page.events.map((e) => e.seq).filter((seq) => seq <= (state?.toSeq ?? 0)));
    after = page.events.at(-1)?.seq ?? Number.POSITIVE_INFINITY;
  }
  const seqs = [...got.map((e) => e.seq), ...fetched, ...again.events(channel.id).map((e) => e.seq)];
  expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  for (const s of [...senders, again]) s.close();
}, 180_000);
