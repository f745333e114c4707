// Pinned messages as people use them, in real Chromium against a real API, persister, PostgreSQL, Redis
// and Kafka: Ann, on a phone (390 px, touch), pins Ben's message from its "⋯" actions; Ben, at his desk,
// sees it appear live in the channel details' Pinned list (open while she pins) and the marker on the
// message, opens it in context from the list; Ann unpins it and both go from Ben's screen, live.
// Screenshots (1280 and 390 px) go to .test-results/screens/.
import { type ApiProcess, screenshotWidths } from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { makePerson, openGeneral, ownerCookie, type Person, send, signIn } from "./support/people";
import { SCREENS, startWebStack, type WebStack } from "./support/web-stack";

let web: WebStack;
let api: ApiProcess;
let browser: Browser;
let contexts: BrowserContext[];
let ann: Person;
let ben: Person;

beforeAll(async () => {
  web = await startWebStack();
  ({ api, browser, contexts } = web);
  const cookie = await ownerCookie(api);
  ann = await makePerson(api, cookie, "Ann");
  ben = await makePerson(api, cookie, "Ben");
}, 200_000);

afterAll(() => web?.close());

const shoot = (page: Page, name: string) => screenshotWidths(page, SCREENS, name);
const message = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });

it("Ann pins Ben's message from her phone; Ben sees it live in Pinned, opens it in context; the unpin goes live too", async () => {
  const benPage = await signIn(browser, api, ben, { contexts });
  const annPage = await signIn(browser, api, ann, { contexts, phone: true });
  await openGeneral(benPage);
  await send(benPage, "Ben's plan: ship on Friday");
  await send(benPage, "Something else, not pinned");
  const channelUrl = benPage.url();

  // Ben keeps the channel's Pinned list open: empty for now.
  await benPage.getByRole("button", { name: "Channel details" }).click();
  await benPage.getByRole("tab", { name: /^Pinned/ }).click();
  await benPage.getByTestId("no-pins").waitFor();

  // Ann, on her phone: the message's "⋯" shows its actions (no hover on touch), then "Pin to channel".
  await annPage.goto(channelUrl);
  const plan = message(annPage, "Ben's plan");
  await plan.waitFor();
  await plan.getByRole("button", { name: "Message actions" }).tap();
  await plan.getByRole("button", { name: "Pin to channel" }).tap();
  await plan.getByTestId("pinned-marker").filter({ hasText: "Pinned by you" }).waitFor({ timeout: 15_000 });
  await shoot(annPage, "pinned-message-phone");

  // Ben sees it arrive in the open list, live, with who pinned it.
  const item = benPage.getByTestId("pinned-item");
  await item.filter({ hasText: "Ben's plan: ship on Friday" }).waitFor({ timeout: 15_000 });
  expect(await item.count()).toBe(1);
  expect(await item.textContent()).toContain("pinned by Ann");
  await expect.poll(() => benPage.getByRole("tab", { name: /^Pinned/ }).textContent()).toBe("Pinned (1)");
  await shoot(benPage, "pinned-list");

  // "Open": the list closes and the message shows in context, highlighted, with its marker.
  const pinnedId = await item.getAttribute("data-message-id");
  await item.getByRole("button", { name: "Open" }).click();
  await expect.poll(() => new URL(benPage.url()).searchParams.get("m")).toBe(pinnedId);
  const shown = message(benPage, "Ben's plan");
  await expect.poll(() => shown.getAttribute("class")).toContain("flash");
  await shown.getByTestId("pinned-marker").filter({ hasText: "Pinned by Ann" }).waitFor();
  expect(await message(benPage, "Something else").getByTestId("pinned-marker").count()).toBe(0);
  await shoot(benPage, "pinned-in-context");

  // Ann unpins from the same menu: the marker leaves Ben's screen live, and his Pinned list is empty.
  await plan.getByRole("button", { name: "Message actions" }).tap();
  await plan.getByRole("button", { name: "Unpin from channel" }).tap();
  await expect.poll(() => shown.getByTestId("pinned-marker").count(), { timeout: 15_000 }).toBe(0);
  await benPage.getByRole("button", { name: "Channel details" }).click();
  await benPage.getByRole("tab", { name: /^Pinned/ }).click();
  await benPage.getByTestId("no-pins").waitFor();
  expect(await benPage.getByTestId("pinned-item").count()).toBe(0);

  // At his desk Ben pins from the hover actions, and unpins from the list.
  await benPage.keyboard.press("Escape");
  const other = message(benPage, "Something else");
  await other.hover();
  await other.getByRole("button", { name: "Pin to channel" }).click();
  await other.getByTestId("pinned-marker").filter({ hasText: "Pinned by you" }).waitFor({ timeout: 15_000 });
  await message(annPage, "Something else").getByTestId("pinned-marker").filter({ hasText: "Pinned by Ben" }).waitFor({
    timeout: 15_000,
  });
  await benPage.getByRole("button", { name: "Channel details" }).click();
  await benPage.getByRole("tab", { name: /^Pinned/ }).click();
  await benPage
    .getByTestId("pinned-item")
    .filter({ hasText: "Something else" })
    .getByRole("button", { name: "Unpin" })
    .click();
  await benPage.getByTestId("no-pins").waitFor({ timeout: 15_000 });
  await expect
    .poll(() => message(annPage, "Something else").getByTestId("pinned-marker").count(), { timeout: 15_000 })
    .toBe(0);
}, 120_000);
