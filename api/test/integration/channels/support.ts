// What the channel route tests share: a real stack (PostgreSQL, Redis, Kafka) with the persister running
// in-process, the app driven through app.request() with real session cookies, and ways to wait for the
// persister and to watch a user's control topic.
import { randomUUID } from "node:crypto";
import { createSession } from "../../../src/accounts/sessions.js";
import { createApp } from "../../../src/app.js";
import { sendMessage } from "../../../src/messages/actions.js";
import { SESSION_COOKIE } from "../../../src/middleware/session/index.js";
import { Persister } from "../../../src/persister/persister.js";
import type { ChannelEvent } from "../../../src/realtime/channel-events.js";
import { type UserControl, userTopic } from "../../../src/realtime/control.js";
import type { Running } from "../../../src/start-services.js";
import { createUser } from "../../support/fixtures.js";
import { createTestStack, type TestStack } from "../../support/stack.js";

export const ORIGIN = "http://localhost:3000";

export interface Harness {
  services: Running;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const stack: TestStack = await createTestStack({ redis: true, kafka: true });
  const services = await stack.open();
  const persister = new Persister(services);
  await persister.start();
  return {
    services,
    async stop() {
      await persister.stop();
      await stack.cleanup();
    },
  };
}

export type Role = "owner" | "admin" | "member" | "guest";

export interface Client {
  user: Awaited<ReturnType<typeof createUser>>;
  /** Sends a request as this user; returns the status and the parsed JSON body (null when empty). */
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export async function signIn(services: Running, role: Role = "member", name?: string): Promise<Client> {
  const user = await createUser(services.db, { role, ...(name ? { name } : {}) });
  const { token } = await createSession(services.db, user.id, 1);
  const app = createApp(services);
  return {
    user,
    async call(method, path, body) {
      const headers: Record<string, string> = { cookie: `${SESSION_COOKIE}=${token}`, origin: ORIGIN };
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await app.request(path, {
        method,
        headers,
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
  };
}

/** Sends through the real messaging action, then waits until the persister has stored the message. */
export async function post(services: Running, client: Client, channelId: string, body: string, parentId?: string) {
  const { messageId } = await sendMessage(services, client.user, {
    channelId,
    clientId: randomUUID(),
    body,
    parentId: parentId ?? null,
  });
  const stored = await until(() => services.db.message.findUnique({ where: { id: messageId } }), `message ${body}`);
  return stored;
}

/** Polls until `read` gives something truthy. */
export async function until<T>(read: () => Promise<T | null | undefined | false>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The channel's stored events (after the persister), once `count` of them exist. */
export async function storedEvents(services: Running, channelId: string, count: number) {
  const rows = await until(async () => {
    const found = await services.db.channelEvent.findMany({ where: { channelId }, orderBy: { seq: "asc" } });
    return found.length >= count && found;
  }, `${count} stored events in ${channelId}`);
  return rows.map((r) => ({ ...(r.payload as object), seq: r.seq }) as ChannelEvent);
}

/** Collects the control messages published to a user's topic, from now on. */
export async function watchControl(services: Running, userId: string) {
  const seen: UserControl[] = [];
  await services.bus.subscribe(userTopic(userId), (payload) => seen.push(JSON.parse(payload)));
  return seen;
}

export async function createChannelAs(
  client: Client,
  kind: "public" | "private",
  name = `c-${randomUUID().slice(0, 8)}`,
) {
  const res = await client.call("POST", "/api/channels", { kind, name });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.channel as { id: string; name: string };
}
