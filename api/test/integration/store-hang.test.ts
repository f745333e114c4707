// PostgreSQL that hangs instead of failing (lib/store-timeouts.ts): the relay the API reaches it through stops
// carrying bytes without closing anything, and accepts new connections it never answers. Without bounds on
// connecting and on each statement a request then waits for good (store-outage.test.ts once got no reply
// in 45 s on a loaded CI box). Bounded, a send on an open socket and an HTTP request are answered
// `unavailable` within the timeouts, the socket stays open, and once PostgreSQL answers again the same send
// is accepted once; a send accepted just before the hang is still stored (the persister's batch fails at
// the timeout and is redelivered, not dropped).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { ORIGIN } from "../support/http.js";
import { PgRelay } from "../support/pg-relay.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { sessionToken, TestSocket } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

// Short enough for a quick test, long enough that a loaded 2-core box answers every healthy statement in time.
const CONNECT_TIMEOUT_MS = 3000;
const QUERY_TIMEOUT_MS = 4000;
/** Both bounds may be paid in turn (a statement on a hung pooled connection, then a new connection), plus slack. */
const ANSWER_WITHIN_MS = CONNECT_TIMEOUT_MS + QUERY_TIMEOUT_MS + 10_000;

let stack: TestStack;
let services: Running;
let api: ApiProcess;
let relay: PgRelay;

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  const url = new URL(stack.env.DATABASE_URL as string);
  relay = new PgRelay(url.hostname, Number(url.port || 5432));
  await relay.start();
  url.hostname = "127.0.0.1";
  url.port = String(relay.port);
  api = await startApi({
    ...stack.env,
    DATABASE_URL: url.toString(),
    PUBLIC_ORIGIN: ORIGIN,
    DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
  });
}, 180_000);

afterAll(async () => {
  await api?.stop();
  await relay?.cut().catch(() => {});
  await stack?.cleanup();
});

const storedCount = (channelId: string, clientId: string) =>
  services.db.message.count({ where: { channelId, clientId } }).catch(() => -1);

async function waitStored(channelId: string, clientId: string) {
  const until = Date.now() + 30_000;
  while ((await storedCount(channelId, clientId)) !== 1 && Date.now() < until)
    await new Promise((r) => setTimeout(r, 200));
  return storedCount(channelId, clientId);
}

describe("PostgreSQL that hangs", () => {
  it("a send and an HTTP request are answered `unavailable` within the timeouts, and the API recovers", async () => {
    const user = await createUser(services.db);
    const channel = await createChannel(services.db, [user.id]);
    const token = await sessionToken(services.db, user.id);
    const socket = await TestSocket.connect(api.url, token);
    await socket.okRetrying("sendMessage", { channelId: channel.id, clientId: "warm", body: "warm" });
    // Accepted (durable in the log) the moment before the hang: the persister may be storing it as it starts.
    await socket.okRetrying("sendMessage", { channelId: channel.id, clientId: "before", body: "just before" });

    relay.hang();
    const during = { channelId: channel.id, clientId: "during", body: "sent while PostgreSQL hangs" };
    const asked = Date.now();
    const reply = await socket.request("sendMessage", during, ANSWER_WITHIN_MS);
    expect(reply).toMatchObject({ ok: false, error: { code: "unavailable", details: { retryAfterMs: 2000 } } });
    expect(Date.now() - asked).toBeLessThan(ANSWER_WITHIN_MS);
    const http = await fetch(`${api.url}/api/me`, {
      headers: { cookie: `parley_session=${token}` },
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    expect(http.status).toBe(503);
    expect(((await http.json()) as { error: { code: string } }).error.code).toBe("unavailable");
    expect(socket.closeCode).toBeNull();

    relay.heal();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const retry = await socket.request("sendMessage", during, ANSWER_WITHIN_MS);
      if (retry.ok) break;
      if (retry.error.code !== "unavailable" || Date.now() > deadline)
        throw new Error(`the retry failed: ${JSON.stringify(retry.error)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(socket.closeCode).toBeNull();
    expect(await waitStored(channel.id, "during")).toBe(1);
    expect(await waitStored(channel.id, "before")).toBe(1);
    socket.close();
  });
});
