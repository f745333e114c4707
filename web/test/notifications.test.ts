// Notifications through the built web client in real Chromium, against a real API process (persister and
// notifier inline) on PostgreSQL, Redis and Kafka, with FCM going to the local FCM-compatible endpoint:
//  - the permission is asked only after the person wrote something; the per-channel setting, mute, do not
//    disturb, quiet hours and the device list work from the UI and reach the server;
//  - a tab that is open but not focused gets an in-browser notification for a mention; a focused tab on
//    the channel does not;
//  - the service worker the web client registered shows the very push the server sent to FCM, delivered
//    through the DevTools protocol (ServiceWorker.deliverPushMessage), and its click opens the channel at
//    the message.
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
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SCREENS = path.join(import.meta.dirname, "..", ".test-results", "screens");
const OWNER = { email: "owner@parley.test", password: "owner-password-123" };
const UNA = { email: "una@parley.test", password: "una-password-4567", name: "Una" };

let stack: TestStack;
let endpoint: FcmEndpoint;
let api: ApiProcess;
let browser: Browser;
let context: BrowserContext;
let una: Page;
let unaId = "";
let unaCookie = "";
let owner: TestSocket;
let general = "";

async function http(method: string, url: string, body?: unknown, cookie = "") {
  const res = await fetch(`${api.url}${url}`, {
    method,
    headers: { "content-type": "application/json", origin: api.url, cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { res, json: (await res.json().catch(() => null)) as Record<string, unknown> };
}

const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  stack = await createTestStack({ redis: true, kafka: true });
  endpoint = await startFcmEndpoint();
  api = await startApi({ ...stack.env, ...endpoint.env });
  browser = await launchChromium();
  const login = await http("POST", "/api/auth/login", OWNER);
  const ownerCookie = cookieOf(login.res);
  const made = await http("POST", "/api/admin/users", { email: UNA.email, displayName: UNA.name }, ownerCookie);
  const { user, setPassword } = made.json as { user: { id: string }; setPassword: { link: string } };
  unaId = user.id;
  const token = new URLSearchParams(new URL(setPassword.link).hash.slice(1)).get("token");
  expect((await http("POST", "/api/auth/set-password", { token, password: UNA.password })).res.status).toBe(200);
  const channels = (await http("GET", "/api/channels", undefined, ownerCookie)).json.channels as {
    id: string;
    name: string;
  }[];
  general = channels.find((c) => c.name === "general")?.id ?? "";
  await http("POST", `/api/channels/${general}/members`, { userIds: [unaId] }, ownerCookie);
  owner = await TestSocket.connect(api.url, ownerCookie.replace(/^parley_session=/, ""));
  await owner.ok("resume", { positions: {} });
}, 200_000);

afterAll(async () => {
  owner?.close();
  await context?.close().catch(() => {});
  await browser?.close();
  await api?.stop();
  await endpoint?.close();
  await stack?.cleanup();
});

/** Records which focus reports the server acknowledged (the tab's notify.setFocus over its socket). */
async function recordFocusReports() {
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const w = window as unknown as { __focus: (string | null)[] };
    w.__focus = [];
    window.WebSocket = class extends Native {
      private readonly asked = new Map<string, string | null>();
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener("message", (e) => {
          const frame = JSON.parse(String(e.data)) as { type: string; id?: string; ok?: boolean };
          if (frame.type === "reply" && frame.ok && frame.id && this.asked.has(frame.id))
            w.__focus.push(this.asked.get(frame.id) ?? null);
        });
      }
      override send(data: string) {
        const frame = JSON.parse(data) as { id: string; type: string; channelId?: string | null };
        if (frame.type === "notify.setFocus") this.asked.set(frame.id, frame.channelId ?? null);
        super.send(data);
      }
    };
  });
}

/**
 * Chromium drops a notification that is being shown when the registration's notifications are listed
 * meanwhile (measured: 19 of 30 lost when listing in a loop beside each show, none when listing after it).
 * A person never lists them; this test does, every 50 ms. Run in a page or the service worker, this makes
 * the test's listing and the web client's showing take turns (as the client's own steps already do).
 */
const TAKE_TURNS = `(() => {
  const proto = ServiceWorkerRegistration.prototype;
  if (proto.__turns) return;
  const show = proto.showNotification;
  const list = proto.getNotifications;
  let turn = Promise.resolve();
  const inTurn = (step) => {
    const run = turn.then(step);
    turn = run.catch(() => undefined);
    return run;
  };
  proto.showNotification = function (...args) { return inTurn(() => show.apply(this, args)); };
  proto.getNotifications = function (...args) { return inTurn(() => list.apply(this, args)); };
  proto.__turns = true;
})()`;

/** The channel the server last heard this tab is looking at (undefined: no report yet). */
const lastFocus = (page: Page) =>
  page.evaluate(() => (window as unknown as { __focus: (string | null)[] }).__focus.at(-1));

async function signIn(page: Page) {
  await page.goto(`${api.url}/login`);
  await page.getByLabel("Email").fill(UNA.email);
  await page.getByLabel("Password").fill(UNA.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("connection").filter({ hasText: "online" }).waitFor();
}

/** Playwright makes every page believe it has focus; the tests need the browser's real focus. */
async function realFocus(page: Page): Promise<CDPSession> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setFocusEmulationEnabled", { enabled: false });
  return cdp;
}

const mention = (text: string) =>
  owner.ok("sendMessage", { channelId: general, clientId: crypto.randomUUID(), body: `<@${unaId}> ${text}` });

/** The notifications the browser shows now, as the service worker's registration lists them. */
const shown = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
  });

describe("notifications in the browser", () => {
  it("asks only once the person wrote something, and their settings reach the server", async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(TAKE_TURNS);
    await recordFocusReports();
    una = await context.newPage();
    await signIn(una);
    await una.getByTestId("channel-name").filter({ hasText: "general" }).waitFor();
    expect(await una.evaluate(() => Notification.permission)).toBe("default");
    await una.waitForTimeout(500);
    expect(await una.getByRole("region", { name: "Desktop notifications" }).count()).toBe(0); // not on load

    await una.getByRole("textbox", { name: "Message", exact: true }).fill("hello all");
    await una.getByRole("textbox", { name: "Message", exact: true }).press("Enter");
    const prompt = una.getByRole("region", { name: "Desktop notifications" });
    await prompt.waitFor();
    await screenshotWidths(una, SCREENS, "notifications-prompt");
    // The person says yes in the browser's own prompt (Playwright answers it for them).
    await context.grantPermissions(["notifications"], { origin: api.url });
    await prompt.getByRole("button", { name: "Turn on notifications" }).click();
    await prompt.waitFor({ state: "detached" });
    expect(await una.evaluate(() => Notification.permission)).toBe("granted");

    // This channel: every message, then muted.
    await una.getByTestId("channel-notify-button").click();
    await una.getByRole("radio", { name: /All new messages/ }).check();
    await expect.poll(() => preferences()).toEqual({ notifyLevel: "all", muted: false });
    await screenshotWidths(una, SCREENS, "notifications-channel-menu");
    await una.getByRole("checkbox", { name: "Mute this channel" }).check();
    await expect.poll(() => preferences()).toEqual({ notifyLevel: "all", muted: true });
    await una.getByTestId("channel-notify-button").filter({ hasText: "Muted" }).waitFor();
    await una.getByRole("checkbox", { name: "Mute this channel" }).uncheck();
    await una.getByRole("radio", { name: /Mentions/ }).check();
    await expect.poll(() => preferences()).toEqual({ notifyLevel: "mentions", muted: false });
    await una.keyboard.press("Escape");

    // Do not disturb, quiet hours, and the devices that get pushes (this browser's, registered as the
    // Firebase SDK would with a real project: FCM's registration servers are out of reach here).
    await http(
      "POST",
      "/api/notifications/devices",
      { token: `una-browser-${"t".repeat(120)}`, platform: "web" },
      await unaCookieNow(),
    );
    await una.getByRole("button", { name: "Notifications", exact: true }).click();
    const dialog = una.getByRole("dialog", { name: "Notifications" });
    await dialog.getByTestId("permission-state").waitFor();
    await dialog.getByRole("button", { name: "1 hour" }).click();
    await dialog.getByTestId("dnd-state").waitFor();
    const snoozed = await settings();
    expect(Date.parse(String(snoozed.dndUntil)) - Date.now()).toBeGreaterThan(55 * 60_000);
    await dialog.getByRole("button", { name: "Resume" }).click();
    await dialog.getByRole("button", { name: "1 hour" }).waitFor();
    await dialog.getByLabel("From", { exact: true }).fill("21:30");
    await dialog.getByLabel("to", { exact: true }).fill("06:45");
    await dialog.getByRole("button", { name: "Save quiet hours" }).click();
    await dialog.getByTestId("quiet-state").filter({ hasText: "Quiet from 21:30 to 06:45." }).waitFor();
    expect(await settings()).toMatchObject({ dndUntil: null, quietHours: { start: "21:30", end: "06:45" } });
    await dialog.getByTestId("devices").getByText("(this browser)").waitFor();
    await screenshotWidths(una, SCREENS, "notifications-settings");
    await dialog.getByRole("button", { name: "Remove" }).click();
    await dialog.getByTestId("devices").getByText("None yet.").waitFor();
    await dialog.getByRole("button", { name: "Turn off" }).click();
    await expect.poll(async () => (await settings()).quietHours).toBeNull();
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  it("an open tab that is not focused shows a notification for a mention; a focused one on the channel does not", async () => {
    await realFocus(una);
    const other = await context.newPage();
    await realFocus(other);
    await other.goto("about:blank");
    await other.bringToFront(); // Una's chat tab is now in the background
    await expect.poll(() => una.evaluate(() => document.hasFocus())).toBe(false);
    await expect.poll(() => lastFocus(una)).toBeNull();

    const sent = await mention("are you there?");
    await expect
      .poll(() => shown(una), { timeout: 20_000 })
      .toEqual([{ title: "#general", body: "Admin: @Una are you there?", tag: general.replaceAll("-", "") }]);
    expect(endpoint.sends.filter((s) => s.message.data?.messageId === sent.messageId)).toHaveLength(0); // not FCM

    // Back on the chat tab, looking at #general: nothing new for #general, while a DM elsewhere still is.
    await una.bringToFront();
    await expect.poll(() => una.evaluate(() => document.hasFocus())).toBe(true);
    await expect.poll(() => lastFocus(una)).toBe(general);
    await una.evaluate(async () => {
      for (const n of await (await navigator.serviceWorker.ready).getNotifications()) n.close();
    });
    await mention("now you are looking");
    const dmId = await dmWithUna();
    await owner.ok("sendMessage", { channelId: dmId, clientId: crypto.randomUUID(), body: "a word in private" });
    // The DM comes after the second mention: once it shows, the mention was decided (and not shown).
    await expect
      .poll(() => shown(una), { timeout: 20_000 })
      .toEqual([{ title: "Admin", body: "Admin: a word in private", tag: dmId.replaceAll("-", "") }]);
    // The unread DM shows in the tab's title.
    await expect.poll(() => una.title()).toBe("(1) Parley");
    await other.close();
  });

  it("the web client's service worker shows a push delivered through the DevTools protocol; a click opens the channel at the message", async () => {
    const deviceToken = `una-push-${"p".repeat(120)}`;
    await http("POST", "/api/notifications/devices", { token: deviceToken, platform: "web" }, await unaCookieNow());
    // Una closes Parley: no tab, so the server pushes through FCM. A blank tab keeps a DevTools session.
    const blank = await context.newPage();
    await blank.goto("about:blank");
    await una.close();
    // The server routes by live sockets: wait until it has seen the tab's socket close (the very check the
    // notifier makes), or the mention could still be routed to the closed tab instead of FCM.
    await expect
      .poll(
        async () => {
          const { json } = await http("POST", "/api/people/presence", { userIds: [unaId] }, await ownerCookie());
          return (json.presence as { status: string }[] | undefined)?.[0]?.status;
        },
        { timeout: 20_000 },
      )
      .toBe("offline");
    const sent = await mention("see this when you are back");
    await expect
      .poll(() => endpoint.sends.filter((s) => s.message.token === deviceToken).length, { timeout: 20_000 })
      .toBe(1);
    const fcm = endpoint.sends.find((s) => s.message.token === deviceToken);
    expect(fcm?.message.data).toMatchObject({ title: "#general", body: "Admin: @Una see this when you are back" });

    // FCM would hand the browser's push service { data }: deliver exactly that to the registered worker.
    const cdp = await context.newCDPSession(blank);
    const registrations = new Promise<{ registrationId: string; scopeURL: string }[]>((resolve) =>
      cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => {
        if (e.registrations.length > 0) resolve(e.registrations);
      }),
    );
    await cdp.send("ServiceWorker.enable");
    const [registration] = await registrations;
    expect(registration?.scopeURL).toBe(`${api.url}/`);
    // The worker the page registered is usually still running (its idle timeout is 30 s): the test's listing
    // below takes turns with its showing. Were it stopped, the push starts it afresh without that.
    await context.serviceWorkers()[0]?.evaluate(TAKE_TURNS);
    await cdp.send("ServiceWorker.deliverPushMessage", {
      origin: api.url,
      registrationId: registration?.registrationId ?? "",
      data: JSON.stringify({ data: fcm?.message.data, from: "1234", fcmMessageId: "m-1" }),
    });
    const [worker] = context.serviceWorkers();
    if (!worker) throw new Error("the web client registered no service worker");
    // Strings: the worker's scope is not the page's (and this file's TypeScript knows only the page's).
    const listed = () =>
      worker.evaluate<{ title: string; body: string }[]>(
        "self.registration.getNotifications().then((all) => all.map((n) => ({ title: n.title, body: n.body })))",
      );
    await expect.poll(listed, { timeout: 10_000 }).toContainEqual({
      title: "#general",
      body: "Admin: @Una see this when you are back",
    });

    // Una comes back to Parley, in the DM; clicking the notification takes the tab to the message.
    una = await context.newPage();
    await una.goto(`${api.url}/c/${await dmWithUna()}`);
    await una.getByTestId("connection").filter({ hasText: "online" }).waitFor();
    await una.getByTestId("channel-name").filter({ hasText: "Admin" }).waitFor();
    // No browser automation can click an OS notification: the worker's own click handler is run with the
    // real notification (a person's click would also let it focus the tab).
    await worker.evaluate(`(async () => {
      const target = (await self.registration.getNotifications()).find((n) => n.data && n.data.messageId === ${JSON.stringify(sent.messageId)});
      if (!target) throw new Error("notification not shown");
      self.dispatchEvent(new NotificationEvent("notificationclick", { notification: target }));
    })()`);
    await una.waitForURL(`**/c/${general}?m=${sent.messageId}`);
    await una.getByTestId("channel-name").filter({ hasText: "general" }).waitFor();
    await una.locator(`[data-message-id="${sent.messageId}"].flash`).waitFor();
    await screenshotWidths(una, SCREENS, "notifications-opened-from-push");
  });
});

async function unaCookieNow() {
  const cookie = (await context.cookies(api.url)).find((c) => c.name === "parley_session");
  unaCookie = cookie ? `parley_session=${cookie.value}` : unaCookie;
  return unaCookie;
}

/** The owner's DM with Una (made by the first call; the same one after). */
async function dmWithUna() {
  const { json } = await http("POST", "/api/dms", { userIds: [unaId] }, await ownerCookie());
  return (json as { channel: { id: string } }).channel.id;
}

async function ownerCookie() {
  return cookieOf((await http("POST", "/api/auth/login", OWNER)).res);
}

async function preferences() {
  const { json } = await http("GET", "/api/channels", undefined, await unaCookieNow());
  const mine = (json.channels as { id: string; notifyLevel: string; muted: boolean }[]).find((c) => c.id === general);
  return { notifyLevel: mine?.notifyLevel, muted: mine?.muted };
}

async function settings() {
  return (await http("GET", "/api/notifications/settings", undefined, await unaCookieNow())).json;
}
