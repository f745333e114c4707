// Reading and writing in real Chromium against a real API, persister, PostgreSQL, Redis and Kafka:
// markdown of every kind rendered (and HTML or javascript: links inert), @mention autocomplete reaching
// the mentioned person, emoji short codes, the emoji picker and who reacted, delete with confirmation,
// Up to edit, a draft kept across a reload; screenshots at 1280 and 390 px in light and dark.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type ApiProcess, createTestStack, launchChromium, startApi, type TestStack } from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  composer,
  makePerson,
  OWNER,
  openGeneral,
  ownerCookie,
  type Person,
  post,
  send,
  signIn,
} from "./support/people";
import { shootThemes } from "./support/screens";

let stack: TestStack;
let api: ApiProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
let bee: Person;
let carol: Person;
const SCREENS = path.join(import.meta.dirname, "..", ".test-results", "screens");

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  stack = await createTestStack({ redis: true, kafka: true });
  api = await startApi(stack.env);
  browser = await launchChromium();
  const cookie = await ownerCookie(api);
  bee = await makePerson(api, cookie, "Bee");
  carol = await makePerson(api, cookie, "Carol");
}, 200_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await api?.stop();
  await stack?.cleanup();
});

const message = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text }).last();

const MARKDOWN = [
  "**bold** *italic* ~~struck~~ `inline <code>` :tada: and a [link](https://example.com/docs)",
  "> a quote",
  "",
  "- first item",
  "- second item",
  "",
  "1. one",
  "2. two",
  "",
  "```ts",
  "const x: number = 1; // <b>not bold</b>",
  "```",
].join("\n");

const ATTACKS = "<img src=x onerror=alert(1)> <script>alert(2)</script> [click me](javascript:alert(3))";

it("renders markdown of every kind, and HTML and javascript: links stay inert", async () => {
  const a = await signIn(browser, api, OWNER, { contexts });
  const dialogs: string[] = [];
  a.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await openGeneral(a);
  // Shift+Enter makes new lines; Enter sends.
  await composer(a).click();
  for (const [i, line] of MARKDOWN.split("\n").entries()) {
    if (i > 0) await composer(a).press("Shift+Enter");
    await composer(a).pressSequentially(line, { delay: 0 });
  }
  await composer(a).press("Escape");
  await composer(a).press("Enter");
  const md = message(a, "bold").getByTestId("message-body");
  await md.locator("strong", { hasText: "bold" }).waitFor({ timeout: 15_000 });
  expect(await md.locator("em").textContent()).toBe("italic");
  expect(await md.locator("del").textContent()).toBe("struck");
  expect(await md.locator("code.md-inline-code").textContent()).toBe("inline <code>");
  expect(await md.locator("blockquote").textContent()).toBe("a quote");
  expect(await md.locator("ul > li").allTextContents()).toEqual(["first item", "second item"]);
  expect(await md.locator("ol > li").allTextContents()).toEqual(["one", "two"]);
  expect(await md.locator("pre code.language-ts").textContent()).toBe("const x: number = 1; // <b>not bold</b>");
  expect(await md.locator("pre b").count()).toBe(0);
  const link = md.getByRole("link", { name: "link" });
  expect(await link.getAttribute("href")).toBe("https://example.com/docs");
  expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
  expect(await link.getAttribute("target")).toBe("_blank");
  // :tada: became the emoji once the emoji data loaded.
  await md.getByRole("img", { name: "tada" }).filter({ hasText: "🎉" }).waitFor();

  await send(a, ATTACKS);
  const attack = message(a, "onerror").getByTestId("message-body");
  await attack.waitFor({ timeout: 15_000 });
  expect(await attack.textContent()).toBe("<img src=x onerror=alert(1)> <script>alert(2)</script> click me");
  expect(await attack.locator("img, script, a").count()).toBe(0);
  expect(await a.locator(".messages img, .messages script").count()).toBe(0);
  // The same message seen by someone else, after a reload from history.
  const b = await signIn(browser, api, bee, { contexts });
  b.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await openGeneral(b);
  await message(b, "onerror").waitFor({ timeout: 15_000 });
  await message(b, "bold").locator("del").waitFor();
  await b.waitForTimeout(300);
  expect(dialogs).toEqual([]);
  await shootThemes(b, SCREENS, "markdown");
}, 120_000);

it("@ca picks Carol: she gets a mention badge and sees the mention highlighted", async () => {
  const c = await signIn(browser, api, carol, { contexts });
  // Carol is elsewhere (a channel of her own), so #general collects unread for her.
  await c.getByRole("button", { name: "Create channel" }).click();
  await c.getByLabel("Name").fill("carols-corner");
  await c.getByRole("button", { name: "Create", exact: true }).click();
  await c.getByTestId("channel-name").filter({ hasText: "carols-corner" }).waitFor();

  const a = await signIn(browser, api, OWNER, { contexts });
  await openGeneral(a);
  await composer(a).pressSequentially("thanks @ca", { delay: 20 });
  const option = a.getByRole("option", { name: /Carol/ });
  await option.waitFor({ timeout: 10_000 });
  await shootThemes(a, SCREENS, "mention-autocomplete");
  await composer(a).press("Enter");
  expect(await composer(a).inputValue()).toBe("thanks @Carol ");
  await composer(a).pressSequentially("for the notes", { delay: 0 });
  await composer(a).press("Enter");
  await message(a, "for the notes").locator(".mention").filter({ hasText: "@Carol" }).waitFor({ timeout: 15_000 });

  const general = c.getByTestId("channel-general");
  await expect.poll(() => general.getByTestId("mention-badge").textContent(), { timeout: 15_000 }).toBe("1");
  await general.getByRole("link").click();
  const mine = message(c, "for the notes");
  await mine.locator(".mention.mention-me").filter({ hasText: "@Carol" }).waitFor({ timeout: 15_000 });
  expect(await mine.getAttribute("class")).toContain("mentions-me");
  await c.getByTestId("new-messages-line").waitFor();
  await shootThemes(c, SCREENS, "mention-highlight");
}, 120_000);

it("@ca offers the channel's members first, then others from the directory; mentioning an outsider offers to add them", async () => {
  // #ca-plans holds the admin and Cass; Carol is in the workspace but not in it.
  const cookie = await ownerCookie(api);
  const cass = await makePerson(api, cookie, "Cass");
  const made = await post(api, "/api/channels", { kind: "public", name: "ca-plans" }, cookie);
  const channelId = (made.json as { channel: { id: string } }).channel.id;
  expect((await post(api, `/api/channels/${channelId}/members`, { userIds: [cass.id] }, cookie)).res.status).toBe(200);

  const a = await signIn(browser, api, OWNER, { contexts });
  const c = await signIn(browser, api, carol, { contexts });
  await a.goto(`${api.url}/c/${channelId}`);
  await a.getByTestId("channel-name").filter({ hasText: "ca-plans" }).waitFor();
  await composer(a).pressSequentially("ask @ca", { delay: 20 });
  const options = a.getByRole("option");
  await options.filter({ hasText: "Carol" }).waitFor({ timeout: 10_000 });
  expect(await options.allTextContents()).toEqual(["CCass", "CCarolnot in channel"]);
  await shootThemes(a, SCREENS, "mention-outsider");
  await a.keyboard.press("ArrowDown");
  await composer(a).press("Enter");
  expect(await composer(a).inputValue()).toBe("ask @Carol ");
  await composer(a).press("Enter");
  await message(a, "ask").locator(".mention").filter({ hasText: "@Carol" }).waitFor({ timeout: 15_000 });

  // Not a member, so not notified (the server resolves mentions among members): the composer says so and
  // offers to add her; she sees the channel arrive.
  const notice = a.getByTestId("not-in-channel");
  await notice.filter({ hasText: "Carol is not in #ca-plans and was not notified" }).waitFor();
  await shootThemes(a, SCREENS, "mention-outsider-notice");
  await notice.getByRole("button", { name: "Add to channel" }).click();
  await notice.waitFor({ state: "detached" });
  await c.getByTestId("channel-ca-plans").waitFor({ timeout: 15_000 });
  expect(await c.getByTestId("channel-ca-plans").getByTestId("mention-badge").count()).toBe(0);
}, 120_000);

it("reacts from the emoji picker (search, recent), tells who reacted, edits with Up, deletes after asking", async () => {
  const b = await signIn(browser, api, bee, { contexts });
  await openGeneral(b);
  await send(b, "react to me");
  const mine = message(b, "react to me");
  await mine.waitFor({ timeout: 15_000 });
  await mine.hover();
  await mine.getByRole("button", { name: "Add reaction" }).first().click();
  await b.getByLabel("Search emoji").fill("rocket");
  await b.getByTestId("emoji-results").getByRole("button", { name: "rocket" }).click();
  const rocket = mine.locator(".reaction", { hasText: "🚀" });
  await rocket.waitFor({ timeout: 15_000 });

  // Admin adds the same from the reaction; Bee's count goes to 2 and says who.
  const a = await signIn(browser, api, OWNER, { contexts });
  await openGeneral(a);
  await message(a, "react to me").locator(".reaction", { hasText: "🚀" }).click();
  await expect.poll(() => rocket.textContent(), { timeout: 15_000 }).toContain("2");
  expect(await rocket.getAttribute("title")).toBe("you, Admin reacted with 🚀");
  // The picker remembers it as recent.
  await mine.hover();
  await mine.getByRole("button", { name: "Add reaction" }).first().click();
  await b.getByTestId("recent-emoji").getByRole("button", { name: "rocket" }).waitFor();
  await b.keyboard.press("Escape");

  // Up in the empty composer edits my last message.
  await composer(b).click();
  await composer(b).press("ArrowUp");
  await b.getByLabel("Edit message").fill("react to me, edited");
  await b.getByLabel("Edit message").press("Enter");
  await message(b, "react to me, edited").locator(".edited").waitFor({ timeout: 15_000 });

  // Delete asks first; Cancel keeps it, Delete removes it.
  const edited = message(b, "react to me, edited");
  await edited.hover();
  await edited.getByRole("button", { name: "Delete" }).click();
  await b.getByRole("dialog", { name: "Delete message" }).waitFor();
  await shootThemes(b, SCREENS, "delete-confirm");
  await b.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await b.waitForTimeout(200);
  expect(await edited.isVisible()).toBe(true);
  await edited.hover();
  await edited.getByRole("button", { name: "Delete" }).click();
  await b.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await message(a, "This message was deleted.").waitFor({ timeout: 15_000 });
}, 120_000);

it("keeps a draft per channel across a reload", async () => {
  const b = await signIn(browser, api, bee, { contexts });
  await openGeneral(b);
  await composer(b).fill("half a thought");
  await b.reload();
  await b.getByTestId("channel-name").filter({ hasText: "general" }).waitFor();
  await expect.poll(() => composer(b).inputValue(), { timeout: 10_000 }).toBe("half a thought");
  await composer(b).fill("");
}, 60_000);
