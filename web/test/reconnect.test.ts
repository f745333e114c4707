// kill -9 of the only API node while A is sending, in real Chromium against real services: the banner says
// the connection is lost and that A's message waits; once a node is back on the same address, A's pending
// messages go out exactly once (same clientId), and B, reconnected too, misses nothing and sees no copy.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type ApiProcess, createTestStack, launchChromium, startApi, type TestStack } from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { visibleBodies } from "./support/list";
import { composer, makePerson, OWNER, openGeneral, ownerCookie, type Person, send, signIn } from "./support/people";
import { coveredByBars, shootThemes } from "./support/screens";

let stack: TestStack;
let api: ApiProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
let bee: Person;
const SCREENS = path.join(import.meta.dirname, "..", ".test-results", "screens");

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  stack = await createTestStack({ redis: true, kafka: true });
  api = await startApi(stack.env);
  browser = await launchChromium();
  bee = await makePerson(api, await ownerCookie(api), "Bee");
}, 200_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await api?.stop();
  await stack?.cleanup();
});

const count = (page: Page, text: string) => page.getByTestId("message-body").filter({ hasText: text }).count();

it("kill -9 of the API node while A sends: the banner says so, nothing is lost or doubled", async () => {
  const a = await signIn(browser, api, OWNER, { contexts });
  const b = await signIn(browser, api, bee, { contexts });
  await openGeneral(a);
  await openGeneral(b);
  await send(a, "before the crash");
  await expect.poll(() => visibleBodies(b), { timeout: 15_000 }).toEqual(["before the crash"]);

  // A sends and the node dies at once: the send may or may not have reached the log.
  await composer(a).fill("in flight");
  await composer(a).press("Enter");
  await api.kill9();
  const banner = a.getByTestId("connection-banner");
  await banner.filter({ hasText: /Reconnecting|Connection lost/ }).waitFor({ timeout: 15_000 });
  await b.getByTestId("connection-banner").waitFor({ timeout: 15_000 });

  // Sent while no node is up: it waits, and the banner says so.
  await send(a, "sent while the node was down");
  await a.getByTestId("pending-message").filter({ hasText: "sent while the node was down" }).waitFor();
  await banner.filter({ hasText: "will be sent when the connection is back" }).waitFor({ timeout: 10_000 });
  // The banner and the notification prompt (A has sent, so it asks) push the page down, covering nothing.
  await a.getByRole("region", { name: "Desktop notifications" }).waitFor();
  expect(await coveredByBars(a)).toEqual([]);
  await shootThemes(a, SCREENS, "reconnecting");

  // A node comes back at the same address; "Try now" (or the backoff) reconnects both pages.
  api = await startApi({ ...stack.env, PORT: String(api.port) });
  for (const page of [a, b]) {
    const tryNow = page.getByTestId("connection-banner").getByRole("button", { name: "Try now" });
    if (await tryNow.isVisible()) await tryNow.click().catch(() => {});
  }
  for (const page of [a, b])
    await page.getByTestId("connection").filter({ hasText: "online" }).waitFor({ timeout: 60_000 });
  await a.getByTestId("connection-banner").waitFor({ state: "detached", timeout: 15_000 });

  const expected = ["before the crash", "in flight", "sent while the node was down"];
  for (const page of [a, b]) await expect.poll(() => visibleBodies(page), { timeout: 60_000 }).toEqual(expected);
  expect(await a.getByTestId("pending-message").count()).toBe(0);
  for (const page of [a, b]) for (const text of expected) expect(await count(page, text)).toBe(1);
  // A reload shows the same history: stored once each, in order.
  await b.reload();
  await expect.poll(() => visibleBodies(b), { timeout: 15_000 }).toEqual(expected);
}, 200_000);
