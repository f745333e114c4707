// PostgreSQL out of reach under a running API process (lib/store-unavailable.ts). The API reaches the
// database through a TCP relay this test owns (sfu/test-support/tcp-proxy); refusing (every relayed
// connection cut, each new one closed as it opens) is an outage as the API sees it, without touching the
// machine's shared PostgreSQL. A send on an open socket is then answered `unavailable` with
// details.retryAfterMs (not `internal`), the socket stays open (before, the failed re-read of the asking
// user closed it as "signed out"), HTTP answers 503 `unavailable` with Retry-After; once the relay is back
// the same send (same clientId) is accepted, once.
//
// The relay keeps its port while refusing: a closed listener's port could be taken by another test's
// server meanwhile, which would then never answer PostgreSQL's startup.
import { startProxy, type Proxy as TcpProxy } from "sfu/test-support/tcp-proxy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { ORIGIN } from "../support/http.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { sessionToken, TestSocket } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let api: ApiProcess;
let relay: TcpProxy;

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  const url = new URL(stack.env.DATABASE_URL as string);
  relay = await startProxy(Number(url.port || 5432), url.hostname);
  url.hostname = "127.0.0.1";
  url.port = String(relay.port);
  api = await startApi({ ...stack.env, DATABASE_URL: url.toString(), PUBLIC_ORIGIN: ORIGIN });
}, 180_000);

afterAll(async () => {
  await api?.stop();
  await relay?.close().catch(() => {});
  await stack?.cleanup();
});

describe("PostgreSQL out of reach", () => {
  it("a send is refused `unavailable` with a retry hint, the socket stays open, and the retry is accepted once", async () => {
    const user = await createUser(services.db);
    const channel = await createChannel(services.db, [user.id]);
    const token = await sessionToken(services.db, user.id);
    const socket = await TestSocket.connect(api.url, token);
    await socket.okRetrying("sendMessage", { channelId: channel.id, clientId: "before", body: "before" });

    relay.refuse();
    const during = { channelId: channel.id, clientId: "during", body: "sent during the outage" };
    const reply = await socket.request("sendMessage", during, 45_000).catch((error) => {
      // What the API warned of meanwhile (the consumers' retries repeat every second: left out).
      const notable = api.loggedAtLeast(40).filter((line) => !line.includes("eachBatch"));
      throw new Error(`${error.message}; the API's warnings and errors:\n${notable.join("\n")}`);
    });
    expect(reply).toMatchObject({ ok: false, error: { code: "unavailable", details: { retryAfterMs: 2000 } } });
    const http = await fetch(`${api.url}/api/me`, { headers: { cookie: `parley_session=${token}` } });
    expect(http.status).toBe(503);
    expect(http.headers.get("retry-after")).toBe("2");
    expect(((await http.json()) as { error: { code: string } }).error.code).toBe("unavailable");
    expect(socket.closeCode).toBeNull();

    relay.recover(); // the pool reconnects on its next checkout
    const deadline = Date.now() + 30_000;
    let accepted: unknown;
    while (!accepted) {
      const retry = await socket.request("sendMessage", during, 45_000);
      if (retry.ok) accepted = retry.result;
      else if (retry.error.code !== "unavailable" || Date.now() > deadline)
        throw new Error(`the retry failed: ${JSON.stringify(retry.error)}`);
      else await new Promise((r) => setTimeout(r, 500));
    }
    expect(socket.closeCode).toBeNull();
    const stored = async () =>
      services.db.message.count({ where: { channelId: channel.id, clientId: "during" } }).catch(() => -1);
    const until = Date.now() + 30_000;
    while ((await stored()) !== 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(await stored()).toBe(1);
    socket.close();
  });
});
