// Threads in real Chromium against a real API, persister, PostgreSQL, Redis and Kafka: A replies in a
// thread to B's message; B sees the reply count change, opens the thread and sees replies arrive live;
// B answers (also to the channel); A's Threads view shows it unread. axe-core finds no serious or critical
// violation on the sign-in page, the channel, the thread, the Threads view and the people directory, in
// either theme.
import type { ApiProcess } from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seriousViolations } from "./support/axe";
import { makePerson, OWNER, openGeneral, ownerCookie, type Person, send, signIn } from "./support/people";
import { shootThemes } from "./support/screens";
import { SCREENS, startWebStack, type WebStack } from "./support/web-stack";

let web: WebStack;
let api: ApiProcess;
let browser: Browser;
let contexts: BrowserContext[];
let bee: Person;

beforeAll(async () => {
  web = await startWebStack();
  ({ api, browser, contexts } = web);
  bee = await makePerson(api, await ownerCookie(api), "Bee");
}, 200_000);

afterAll(() => web?.close());

const message = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text }).last();

async function expectAccessible(page: Page, view: string) {
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    expect({ view, theme, violations: await seriousViolations(page) }).toEqual({ view, theme, violations: [] });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

it("a thread: replies live on both sides, also sent to the channel, unread in the Threads view", async () => {
  const signInPage = await (await browser.newContext()).newPage();
  contexts.push(signInPage.context());
  await signInPage.goto(`${api.url}/login`);
  await signInPage.getByLabel("Email").waitFor();
  await expectAccessible(signInPage, "sign-in");

  const a = await signIn(browser, api, OWNER, { contexts });
  const b = await signIn(browser, api, bee, { contexts });
  await openGeneral(a);
  await openGeneral(b);
  await send(b, "Which port does the SFU use?");
  const question = message(a, "Which port does the SFU use?");
  await question.waitFor({ timeout: 15_000 });

  // A opens the thread from the message's actions and replies there.
  await question.hover();
  await question.getByRole("button", { name: "Reply in thread" }).click();
  const aPanel = a.getByTestId("thread-panel");
  await aPanel.getByTestId("message").filter({ hasText: "Which port" }).waitFor({ timeout: 15_000 });
  await aPanel.getByRole("textbox", { name: "Reply" }).fill("One UDP and one TCP port, see ops/");
  await aPanel.getByRole("textbox", { name: "Reply" }).press("Enter");
  await aPanel.getByTestId("message").filter({ hasText: "One UDP and one TCP port" }).waitFor({ timeout: 15_000 });

  // B sees the count change under the root, with A as the last replier, and opens the thread.
  const summary = message(b, "Which port does the SFU use?").getByTestId("thread-summary");
  await expect.poll(() => summary.textContent(), { timeout: 15_000 }).toContain("1 reply");
  await summary.click();
  const bPanel = b.getByTestId("thread-panel");
  await bPanel.getByTestId("message").filter({ hasText: "One UDP and one TCP port" }).waitFor({ timeout: 15_000 });
  await expectAccessible(b, "thread");
  await shootThemes(b, SCREENS, "thread");

  // A leaves for the Threads view; a second reply from A arrives live in B's open panel.
  await a.getByTestId("threads-link").getByRole("link").click();
  await a.getByTestId("channel-name").filter({ hasText: "Threads" }).waitFor();
  await a.getByTestId("my-thread").filter({ hasText: "Which port" }).waitFor({ timeout: 15_000 });
  expect(await a.getByTestId("my-thread").first().getAttribute("data-unread")).toBe("false");

  // B answers in the thread, also to the channel (after saying "Not now" to notifications, as asked).
  await b.getByRole("button", { name: "Not now" }).click();
  await bPanel.getByLabel(/Also send to/).check();
  await bPanel.getByRole("textbox", { name: "Reply" }).fill("Thanks, found it");
  await bPanel.getByRole("textbox", { name: "Reply" }).press("Enter");
  await bPanel.getByTestId("message").filter({ hasText: "Thanks, found it" }).waitFor({ timeout: 15_000 });
  await b.locator(".main").getByTestId("message").filter({ hasText: "Thanks, found it" }).waitFor({ timeout: 15_000 });
  await expect.poll(() => bPanel.getByTestId("thread-reply-count").textContent()).toBe("2 replies");

  // A's Threads view marks it unread, live, and the sidebar counts it.
  const card = a.getByTestId("my-thread").filter({ hasText: "Which port" });
  await expect.poll(() => card.getAttribute("data-unread"), { timeout: 15_000 }).toBe("true");
  expect(await a.getByTestId("threads-unread").textContent()).toBe("1");
  await expectAccessible(a, "threads view");
  await shootThemes(a, SCREENS, "threads-view");

  // Opening it reads it.
  await card.getByTestId("thread-summary").click();
  await a.getByTestId("thread-panel").getByTestId("message").filter({ hasText: "Thanks, found it" }).waitFor();
  await expect.poll(() => a.getByTestId("threads-unread").count(), { timeout: 10_000 }).toBe(0);
  await a.getByTestId("thread-panel").getByRole("button", { name: "Close thread" }).click();
  await expectAccessible(a, "channel");
  await shootThemes(a, SCREENS, "channel");

  // The directory: Bee's card among the people, then the scan.
  await a.getByRole("link", { name: "People" }).click();
  await a.getByTestId("person-card").filter({ hasText: "Bee" }).waitFor({ timeout: 15_000 });
  await expectAccessible(a, "directory");
  await shootThemes(a, SCREENS, "directory");
}, 150_000);
