// 10,000 messages in one channel, in real Chromium against a real API, persister, PostgreSQL, Redis and
// Kafka: the reader scrolls history upward page by page until all 10,000 are loaded; the list stays
// virtualized (the rows in the page stay few), the message being read stays where it was each time an
// older page arrives, and "Jump to latest" brings back the newest. Not timed: web/scripts/bench-ui.ts
// measures speed.
import { type ApiProcess, channelIdByName, historyBody, seedHistory, userIdByEmail } from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { makePerson, OWNER, openGeneral, ownerCookie, send, signIn } from "./support/people";
import { shootThemes } from "./support/screens";
import { SCREENS, startWebStack, type WebStack } from "./support/web-stack";

const TOTAL = 10_000;
let web: WebStack;
let api: ApiProcess;
let browser: Browser;
let contexts: BrowserContext[];
let range: { first: number; last: number };

beforeAll(async () => {
  web = await startWebStack();
  ({ api, browser, contexts } = web);
  const bee = await makePerson(api, await ownerCookie(api), "Bee");
  const general = await channelIdByName(web.stack.env.DATABASE_URL as string, "general");
  const owner = await userIdByEmail(web.stack.env.DATABASE_URL as string, OWNER.email);
  range = await seedHistory(web.stack.env.DATABASE_URL as string, general, [owner, bee.id], TOTAL);
}, 200_000);

afterAll(() => web?.close());

interface Step {
  /** Oldest seq in the page's rows after this step. */
  oldest: number;
  /** The message read before the older page came, and how far (px) it moved on screen when it did. */
  anchor: number;
  moved: number;
  rows: number;
}

/**
 * Scrolls to the top of the list as a reader would and waits for the older page; returns where the
 * message at the top of the view went. Runs in the page.
 */
function scrollUpOnce(page: Page): Promise<Step | null> {
  return page.evaluate(async () => {
    const box = document.querySelector<HTMLElement>('[data-testid="message-scroller"]');
    if (!box) throw new Error("no message list");
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const messages = () => [...box.querySelectorAll<HTMLElement>('[data-testid="message"]')];
    const top = box.getBoundingClientRect().top;
    // Just short of where older pages load (400 px from the top; message-list.tsx), and rendered there.
    box.scrollTop = 420;
    await frames();
    // Then into it; measured in the same task, before the scroll event can ask for the older page.
    box.scrollTop = 380;
    const height = box.scrollHeight;
    const read = messages().find((el) => el.getBoundingClientRect().top >= top);
    if (!read) throw new Error("no message in view");
    const seq = Number(read.dataset.seq);
    const before = read.getBoundingClientRect().top - top;
    const oldest = () => Math.min(...messages().map((el) => Number(el.dataset.seq)));
    const olderButton = () => box.querySelector("button.older");
    // Wait for the older page: the list grows (or there is nothing older).
    const until = performance.now() + 20_000;
    while (box.scrollHeight === height) {
      if (!olderButton()) return null;
      if (performance.now() > until) throw new Error(`no older page came (at seq ${oldest()})`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await frames();
    await frames();
    const same = messages().find((el) => Number(el.dataset.seq) === seq);
    const moved = same ? Math.abs(same.getBoundingClientRect().top - top - before) : Number.POSITIVE_INFINITY;
    return { oldest: oldest(), anchor: seq, moved, rows: box.querySelectorAll("li.msg-row").length };
  });
}

const rowsInPage = (page: Page) => page.locator("li.msg-row").count();

it(`loads ${TOTAL.toLocaleString("en-US")} messages by scrolling up: bounded rows, position kept, jump to latest`, async () => {
  const a = await signIn(browser, api, OWNER, { contexts });
  const problems: string[] = [];
  a.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  a.on("pageerror", (e) => problems.push(e.message));
  a.on("response", (r) => r.status() !== 200 && problems.push(`${r.status()} ${r.url()}`));
  await openGeneral(a);
  const newest = a.getByTestId("message").filter({ hasText: historyBody(range.last) });
  await newest.waitFor({ timeout: 15_000 });

  const steps: Step[] = [];
  for (;;) {
    const step = await scrollUpOnce(a).catch((e) => {
      throw new Error(`${e.message}; page problems: ${problems.join(" | ")}`);
    });
    if (!step) break;
    steps.push(step);
    if (steps.length % 20 === 0) console.log(`scrolled up ${steps.length} pages, oldest loaded seq ${step.oldest}`);
    // 10,000 messages at 50 a page: 199 older pages; more means paging is broken.
    expect(steps.length).toBeLessThan(TOTAL / 50 + 5);
  }
  expect(steps.length).toBe(Math.ceil(TOTAL / 50) - 1);
  // Everything is loaded: the oldest message is at the top and nothing older is offered.
  await a.locator(`[data-testid="message"][data-seq="${range.first}"]`).waitFor();
  expect(await a.locator("button.older").count()).toBe(0);
  // The reading position held each time: the message read stays within less than a row of where it was
  // (without anchoring it would jump by the whole page that came, about 2,500 px). Rows measured after
  // they arrived may nudge it a little: up to 17.5 px was seen once on a loaded machine.
  const worst = steps.reduce((w, s) => (s.moved > w.moved ? s : w));
  expect(worst.moved, `message ${worst.anchor} moved ${worst.moved} px`).toBeLessThan(28);
  // Virtualized: the rows in the page stay about a screenful, however many are loaded.
  const mostRows = Math.max(...steps.map((s) => s.rows));
  console.log(
    `${steps.length} older pages; reading position moved at most ${worst.moved} px; at most ${mostRows} rows`,
  );
  expect(mostRows).toBeLessThan(80);
  await a.getByTestId("message-scroller").evaluate((box) => (box.scrollTop = 0));
  await a.locator(`[data-testid="message"][data-seq="${range.first}"]`).waitFor();
  await shootThemes(a, SCREENS, "long-history-top");

  // Jump to latest: from the very top to the newest message, and the button goes away.
  const jump = a.getByRole("button", { name: "Jump to latest" });
  await jump.click();
  await newest.waitFor({ state: "visible", timeout: 10_000 });
  await jump.waitFor({ state: "detached", timeout: 10_000 });
  expect(await rowsInPage(a)).toBeLessThan(80);

  // Still live at 10,000: a new message shows at the bottom.
  await send(a, "after ten thousand");
  await a.getByTestId("message").filter({ hasText: "after ten thousand" }).waitFor({ timeout: 15_000 });
  await shootThemes(a, SCREENS, "long-history-latest");
}, 600_000);
