// FCM through the real firebase-admin SDK, with no network: its HTTPS goes to a local FCM-compatible
// endpoint (test/support/fcm-endpoint.ts) that checks the service account's signed token exchange and
// records every send. Asserts the exact requests (target, title, body, collapse key, data), that a token
// the endpoint calls UNREGISTERED is forgotten, that 429 and 500 are retried with backoff, and that what
// is refused for good lands in PushDeadLetter.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSession } from "../../src/accounts/sessions.js";
import { loadConfig } from "../../src/config.js";
import { type PushNotification, tagOf } from "../../src/notifications/content.js";
import { createFcmApp, type FcmApp } from "../../src/notifications/fcm-app.js";
import { FcmTransport } from "../../src/notifications/fcm-transport.js";
import type { Running } from "../../src/start-services.js";
import { type FcmEndpoint, startFcmEndpoint } from "../support/fcm-endpoint.js";
import { createUser } from "../support/fixtures.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let endpoint: FcmEndpoint;
let fcm: FcmApp;
const BASE_MS = 200;
let transport: FcmTransport;

beforeAll(async () => {
  stack = await createTestStack();
  services = await stack.open();
  endpoint = await startFcmEndpoint("parley-fcm-test");
  const config = loadConfig({ ...stack.env, ...endpoint.env });
  fcm = createFcmApp(config) as FcmApp;
  transport = new FcmTransport(fcm.messaging, services.sql, services.logger, { attempts: 4, baseMs: BASE_MS });
}, 120_000);

afterAll(async () => {
  await fcm?.close();
  await endpoint?.close();
  await stack?.cleanup();
});

async function personWithDevices(devices: { token: string; platform: "web" | "android" | "ios" }[]) {
  const user = await createUser(services.db);
  const { session } = await createSession(services.db, user.id, 1);
  for (const d of devices)
    await services.db.pushDevice.create({
      data: { userId: user.id, sessionId: session.id, token: d.token, platform: d.platform },
    });
  return user;
}

const channelId = "0b9d6d0e-4a34-4c55-9d55-3c2a1f0e7a11";
const notification = (over: Partial<PushNotification> = {}): PushNotification => ({
  kind: "message",
  eventId: "5f0c8f3e-8f0e-4a6c-9d0b-6f1d2f6a9a01",
  channelId,
  messageId: "7a1e2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b",
  title: "#general",
  body: "Ann: hello @Bo",
  tag: tagOf(channelId),
  unread: 3,
  alert: true,
  url: `/c/${channelId}?m=7a1e2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b`,
  why: "mention",
  ...over,
});

const sendsTo = (token: string) => endpoint.sends.filter((s) => s.message.token === token);

it("sends the exact FCM v1 request for a web device, after a verified token exchange", async () => {
  const user = await personWithDevices([{ token: "web-token-1", platform: "web" }]);
  const report = await transport.deliver([{ userId: user.id, notification: notification() }]);
  expect(report).toEqual({ sent: 1, failed: 0 });
  expect(endpoint.tokenRequests).toBe(1);
  const [send] = sendsTo("web-token-1");
  expect(send?.host).toBe("fcm.googleapis.com");
  expect(send?.path).toBe("/v1/projects/parley-fcm-test/messages:send");
  expect(send?.authorization).toMatch(/^Bearer test-access-/);
  expect(send?.message).toEqual({
    token: "web-token-1",
    data: {
      kind: "message",
      eventId: "5f0c8f3e-8f0e-4a6c-9d0b-6f1d2f6a9a01",
      channelId,
      messageId: "7a1e2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b",
      title: "#general",
      body: "Ann: hello @Bo",
      tag: "0b9d6d0e4a344c559d553c2a1f0e7a11",
      unread: "3",
      alert: "1",
      url: `/c/${channelId}?m=7a1e2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b`,
      why: "mention",
    },
    webpush: { headers: { Topic: "0b9d6d0e4a344c559d553c2a1f0e7a11", Urgency: "high", TTL: "86400" } },
  });
});

it("gives Android its collapse key and tag, and APNs its collapse id", async () => {
  const user = await personWithDevices([
    { token: "android-token-1", platform: "android" },
    { token: "ios-token-1", platform: "ios" },
  ]);
  expect(await transport.deliver([{ userId: user.id, notification: notification({ alert: false }) }])).toEqual({
    sent: 2,
    failed: 0,
  });
  const tag = tagOf(channelId);
  const [android] = sendsTo("android-token-1");
  expect(android?.message.android).toEqual({
    collapse_key: tag,
    priority: "high",
    ttl: "86400s",
    notification: { title: "#general", body: "Ann: hello @Bo", tag, notification_count: 3 },
  });
  const [ios] = sendsTo("ios-token-1");
  expect(ios?.message.apns).toEqual({
    headers: { "apns-collapse-id": tag, "apns-priority": "10" },
    payload: { aps: { alert: { title: "#general", body: "Ann: hello @Bo" }, "thread-id": channelId } },
  });
});

it("forgets a token FCM calls UNREGISTERED and still reaches the user's other device", async () => {
  const user = await personWithDevices([
    { token: "dead-token", platform: "web" },
    { token: "live-token", platform: "web" },
  ]);
  endpoint.script("dead-token", ["UNREGISTERED"]);
  const report = await transport.deliver([{ userId: user.id, notification: notification() }]);
  expect(report).toEqual({ sent: 1, failed: 1 });
  expect(sendsTo("dead-token")).toHaveLength(1); // not retried
  expect(sendsTo("live-token")).toHaveLength(1);
  const left = await services.db.pushDevice.findMany({ where: { userId: user.id }, select: { token: true } });
  expect(left).toEqual([{ token: "live-token" }]);
  expect(await services.db.pushDeadLetter.count({ where: { userId: user.id } })).toBe(0);
});

it("retries 429 and 500 with growing backoff, then succeeds", async () => {
  const user = await personWithDevices([{ token: "busy-token", platform: "web" }]);
  endpoint.script("busy-token", ["QUOTA_EXCEEDED", "INTERNAL"]);
  expect(await transport.deliver([{ userId: user.id, notification: notification() }])).toEqual({ sent: 1, failed: 0 });
  const sends = sendsTo("busy-token");
  expect(sends.map((s) => s.status)).toEqual([429, 500, 200]);
  const gaps = [1, 2].map((i) => (sends[i]?.receivedAt ?? 0) - (sends[i - 1]?.receivedAt ?? 0));
  console.log(`backoff gaps ${gaps.join(", ")} ms (base ${BASE_MS} ms, ±25% jitter)`);
  expect(gaps[0]).toBeGreaterThanOrEqual(BASE_MS * 0.75);
  expect(gaps[1]).toBeGreaterThanOrEqual(BASE_MS * 2 * 0.75);
});

it("dead-letters what FCM refuses for good, and what still fails after the last attempt", async () => {
  const user = await personWithDevices([
    { token: "bad-payload-token", platform: "web" },
    { token: "always-failing-token", platform: "web" },
  ]);
  endpoint.script("bad-payload-token", ["INVALID_ARGUMENT"]);
  endpoint.script("always-failing-token", ["INTERNAL", "INTERNAL", "INTERNAL", "INTERNAL"]);
  expect(await transport.deliver([{ userId: user.id, notification: notification() }])).toEqual({ sent: 0, failed: 2 });
  expect(sendsTo("bad-payload-token")).toHaveLength(1);
  expect(sendsTo("always-failing-token")).toHaveLength(4);
  const letters = await services.db.pushDeadLetter.findMany({ where: { userId: user.id }, orderBy: { code: "asc" } });
  expect(letters.map((l) => l.code)).toEqual(["messaging/internal-error", "messaging/invalid-argument"]);
  expect(letters[0]?.eventId).toBe("5f0c8f3e-8f0e-4a6c-9d0b-6f1d2f6a9a01");
  expect(await services.db.pushDevice.count({ where: { userId: user.id } })).toBe(2); // not dead tokens
});

it("does not push to a device whose session expired", async () => {
  const user = await createUser(services.db);
  const { session } = await createSession(services.db, user.id, 1);
  await services.db.session.update({ where: { id: session.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  await services.db.pushDevice.create({
    data: { userId: user.id, sessionId: session.id, token: "stale-token", platform: "web" },
  });
  expect(await transport.deliver([{ userId: user.id, notification: notification() }])).toEqual({ sent: 0, failed: 0 });
  expect(sendsTo("stale-token")).toHaveLength(0);
});
