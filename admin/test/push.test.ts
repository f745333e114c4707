// The dashboard's push page in real Chromium against a real API (notifier inline) whose FCM goes to the
// local endpoint: an admin switches previews and pushes (the notifier obeys, the audit log records it) and
// watches the pushes sent and failed this minute go up without reloading.
import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  type ApiProcess,
  createTestStack,
  type FcmEndpoint,
  launchChromium,
  screenshotWidths,
  startApi,
  startFcmEndpoint,
  TestSocket,
  type TestStack,
} from "api/test-support";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";

const SCREENS = path.join(import.meta.dirname, "..", ".test-results", "screens");
const OWNER = { email: "owner@parley.test", password: "owner-password-123" };

let stack: TestStack;
let endpoint: FcmEndpoint;
let api: ApiProcess;
let browser: Browser;
let ownerCookie = "";
let owner: TestSocket;
let dmId = "";
const LIVE = "live-device-token-0123456789";
const DEAD = "dead-device-token-0123456789";

async function call(url: string, init: { method?: string; body?: unknown; cookie?: string } = {}) {
  const res = await fetch(`${api.url}${url}`, {
    method: init.method ?? "GET",
    headers: { origin: api.url, "content-type": "application/json", cookie: init.cookie ?? ownerCookie },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { res, body: (res.status === 204 ? {} : await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  stack = await createTestStack({ redis: true, kafka: true });
  endpoint = await startFcmEndpoint();
  [api, browser] = await Promise.all([startApi({ ...stack.env, ...endpoint.env }), launchChromium()]);
  const login = await call("/api/auth/login", { method: "POST", body: OWNER, cookie: "" });
  ownerCookie = (login.res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  // Someone who is never online, with two registered devices: one alive, one FCM no longer knows.
  const made = await call("/api/admin/users", {
    method: "POST",
    body: { email: "away@parley.test", displayName: "Away" },
  });
  const awayId = (made.body.user as { id: string }).id;
  const link = (made.body.setPassword as { link: string }).link;
  const token = new URL(link).hash.replace("#token=", "");
  const set = await call("/api/auth/set-password", {
    method: "POST",
    body: { token, password: "away-password-123" },
    cookie: "",
  });
  const awayCookie = (set.res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  for (const device of [LIVE, DEAD])
    await call("/api/notifications/devices", {
      method: "POST",
      body: { token: device, platform: "web" },
      cookie: awayCookie,
    });
  endpoint.script(DEAD, ["UNREGISTERED"]);
  dmId = ((await call("/api/dms", { method: "POST", body: { userIds: [awayId] } })).body.channel as { id: string }).id;
  owner = await TestSocket.connect(api.url, ownerCookie.replace(/^parley_session=/, ""));
  await owner.ok("resume", { positions: {} });
}, 200_000);

afterAll(async () => {
  owner?.close();
  await browser?.close();
  await api?.stop();
  await endpoint?.close();
  await stack?.cleanup();
});

const dm = (body: string) => owner.ok("sendMessage", { channelId: dmId, clientId: crypto.randomUUID(), body });
const number = async (page: Page, id: string) => Number(await page.getByTestId(id).textContent());

it("switches previews and pushes, and shows pushes sent and failed per minute as they happen", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${api.url}/admin/login`);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: "Push" }).click();
  await page.getByRole("heading", { name: "Push notifications" }).waitFor();
  expect(await page.getByTestId("fcm-missing").count()).toBe(0); // the server has a service account
  expect(await number(page, "push-sent-5m")).toBe(0);

  // A DM to someone away: FCM accepts one device, reports the other unregistered (forgotten, counted failed).
  await dm("first, with a preview");
  await expect.poll(() => number(page, "push-sent-5m"), { timeout: 20_000 }).toBe(1);
  await expect.poll(() => number(page, "push-failed-5m")).toBe(1);
  expect(endpoint.sends.find((s) => s.message.token === LIVE)?.message.data?.body).toBe("Admin: first, with a preview");

  // Previews off: the next push says only "New message".
  await page.getByRole("checkbox", { name: /Show message previews/ }).uncheck();
  await expect.poll(async () => (await call("/api/admin/push")).body.previews).toBe(false);
  await page.waitForTimeout(2100); // notifiers re-read the switches at most every 2 s
  await dm("second, hidden");
  await expect.poll(() => number(page, "push-sent-5m"), { timeout: 20_000 }).toBe(2);
  expect(endpoint.sends.filter((s) => s.message.token === LIVE).at(-1)?.message.data?.body).toBe("New message");
  expect(await number(page, "push-failed-5m")).toBe(1); // the dead token was forgotten: not tried again
  await screenshotWidths(page, SCREENS, "admin-push");

  // Pushes off: nothing goes to FCM.
  await page.getByRole("checkbox", { name: /Send push notifications/ }).uncheck();
  await expect.poll(async () => (await call("/api/admin/push")).body.enabled).toBe(false);
  await page.waitForTimeout(2100);
  await dm("third, not pushed");
  // Back on, a fourth is pushed; the notifier handles a channel's messages in order, so the third was
  // decided before it, and it was not pushed.
  await page.getByRole("checkbox", { name: /Send push notifications/ }).check();
  await page.getByRole("checkbox", { name: /Show message previews/ }).check();
  await expect.poll(async () => (await call("/api/admin/push")).body.enabled).toBe(true);
  await page.waitForTimeout(2100);
  await dm("fourth, pushed again");
  await expect.poll(() => number(page, "push-sent-5m"), { timeout: 20_000 }).toBe(3);
  expect(endpoint.sends.filter((s) => s.message.token === LIVE).map((s) => s.message.data?.body)).toEqual([
    "Admin: first, with a preview",
    "New message",
    "Admin: fourth, pushed again",
  ]);

  const audit = await call("/api/admin/audit?action=workspace.push_settings_changed");
  expect((audit.body.entries as unknown[]).length).toBe(4);
  await page.close();
});
