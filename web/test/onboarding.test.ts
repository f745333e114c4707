// Getting in, as people do it: an admin makes an invite (and an account) in the dashboard; newcomers open
// the links in browsers of their own, land in #general and talk to the admin live; a used, revoked or
// broken link shows a page that says so. Real Chromium against a real API, PostgreSQL, Redis and Kafka.
import { type ApiProcess, screenshotWidths } from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SCREENS, startWebStack, type WebStack } from "./support/web-stack";

const OWNER = { email: "owner@parley.test", password: "owner-password-123" };
let web: WebStack;
let api: ApiProcess;
let browser: Browser;
let contexts: BrowserContext[];

beforeAll(async () => {
  web = await startWebStack();
  ({ api, browser, contexts } = web);
}, 200_000);
afterAll(() => web?.close());

/** A browser of its own (cookies, storage), as a different person on a different machine would have. */
async function newPerson(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  return context.newPage();
}

const shoot = (page: Page, name: string) => screenshotWidths(page, SCREENS, name);
const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });
const bodies = (page: Page) => page.getByTestId("message-body").allTextContents();

async function send(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press("Enter");
}

/** The admin: the dashboard in one tab, the chat (#general) in another, both signed in. */
let dashboard: Page;
let chat: Page;

beforeAll(async () => {
  dashboard = await newPerson();
  await dashboard.goto(`${api.url}/admin/`);
  await dashboard.getByLabel("Email").fill(OWNER.email);
  await dashboard.getByLabel("Password").fill(OWNER.password);
  await shoot(dashboard, "admin-sign-in");
  await dashboard.getByRole("button", { name: "Sign in" }).click();
  await dashboard.getByTestId("me").waitFor();
  chat = await dashboard.context().newPage();
  await chat.goto(`${api.url}/`);
  await chat.getByTestId("channel-name").filter({ hasText: "general" }).waitFor();
}, 60_000);

it("an invite made in the dashboard, accepted in another browser, lands in #general and talks live", async () => {
  await dashboard.getByRole("link", { name: "Invites" }).click();
  await dashboard.getByRole("button", { name: "Create invite" }).click();
  const link = await dashboard.getByTestId("invite-form").getByTestId("one-time-link").locator("input").inputValue();
  expect(link).toMatch(/\/invite#token=.{16,}$/);

  const nina = await newPerson();
  await nina.goto(link);
  const form = nina.getByTestId("invite-form");
  await form.waitFor();
  expect(await nina.getByRole("heading", { level: 1 }).textContent()).toBe("Join Parley");
  await shoot(nina, "invite");
  // A password the API refuses is explained, and nothing is created.
  await form.getByLabel("Full name").fill("Nina Okafor");
  await form.getByLabel("Email").fill("nina@parley.test");
  await form.getByLabel("Password").fill("short");
  await form.evaluate((f: HTMLFormElement) => f.setAttribute("novalidate", ""));
  await form.getByRole("button", { name: "Create account" }).click();
  await form.getByRole("alert").filter({ hasText: "at least 12 characters" }).waitFor();
  await form.getByLabel("Password").fill("nina-password-123");
  await form.getByRole("button", { name: "Create account" }).click();

  // In: #general is open, and the sidebar lists it.
  await nina.getByTestId("channel-name").filter({ hasText: "general" }).waitFor({ timeout: 15_000 });
  expect(new URL(nina.url()).pathname).toMatch(/^\/c\/[0-9a-f-]{36}$/);
  await nina.getByTestId("connection").filter({ hasText: "online" }).waitFor();
  await send(nina, "Hi everyone, Nina here!");
  await expect.poll(() => bodies(chat), { timeout: 15_000 }).toContain("Hi everyone, Nina here!");
  await chat.getByTestId("message").filter({ hasText: "Nina here" }).getByText("Nina Okafor").waitFor();
  await shoot(nina, "first-sign-in-general");

  // The same link again, in yet another browser: it had one use, so it says it was already used.
  const late = await newPerson();
  await late.goto(link);
  await late.getByTestId("link-problem").waitFor();
  expect(await late.getByTestId("link-problem").getAttribute("data-reason")).toBe("used_up");
  expect(await late.getByRole("heading", { level: 1 }).textContent()).toBe("This invite was already used");
  await shoot(late, "invite-used");
});

it("an account made in the dashboard sets its password from its link, lands in #general and talks live", async () => {
  await dashboard.getByRole("link", { name: "Users" }).click();
  await dashboard.getByRole("button", { name: "New user" }).click();
  const create = dashboard.getByTestId("user-create");
  await create.locator('input[name="email"]').fill("omar@parley.test");
  await create.locator('input[name="displayName"]').fill("Omar Haddad");
  await create.getByRole("button", { name: "Create" }).click();
  const link = await create.getByTestId("one-time-link").locator("input").inputValue();
  expect(link).toMatch(/\/set-password#token=.{16,}$/);

  const omar = await newPerson();
  await omar.goto(link);
  const form = omar.getByTestId("set-password-form");
  await form.waitFor();
  expect(await omar.getByRole("heading", { level: 1 }).textContent()).toBe("Welcome, Omar Haddad");
  expect(await form.getByLabel("Email").inputValue()).toBe("omar@parley.test");
  await shoot(omar, "set-password");
  await form.getByLabel("Password", { exact: true }).fill("omar-password-123");
  await form.getByLabel("Password again").fill("omar-password-124");
  await form.getByRole("button", { name: "Set password and sign in" }).click();
  await form.getByRole("alert").filter({ hasText: "not the same" }).waitFor();
  await form.getByLabel("Password again").fill("omar-password-123");
  await form.getByRole("button", { name: "Set password and sign in" }).click();

  await omar.getByTestId("channel-name").filter({ hasText: "general" }).waitFor({ timeout: 15_000 });
  await omar.getByTestId("connection").filter({ hasText: "online" }).waitFor();
  await send(omar, "Omar checking in");
  await expect.poll(() => bodies(chat), { timeout: 15_000 }).toContain("Omar checking in");

  // Opened again: already used, and it says what to do.
  const again = await newPerson();
  await again.goto(link);
  await again.getByTestId("link-problem").waitFor();
  expect(await again.getByTestId("link-problem").getAttribute("data-reason")).toBe("used");
  expect(await again.getByRole("heading", { level: 1 }).textContent()).toBe("This link was already used");
  await shoot(again, "set-password-used");

  // A reset link from the user's detail panel opens the reset page.
  await dashboard.locator('tr[data-email="omar@parley.test"]').click();
  await dashboard.getByTestId("user-detail").getByRole("button", { name: "New reset link" }).click();
  const reset = await dashboard.getByTestId("user-detail").getByTestId("one-time-link").locator("input").inputValue();
  const resetPage = await newPerson();
  await resetPage.goto(reset);
  await resetPage.getByRole("heading", { name: "Reset your password" }).waitFor();
  await shoot(resetPage, "reset-password");
});

it("a revoked invite and a mangled link each get a page saying so", async () => {
  await dashboard.getByRole("link", { name: "Invites" }).click();
  await dashboard.getByRole("button", { name: "Create invite" }).click();
  const link = await dashboard.getByTestId("invite-form").getByTestId("one-time-link").locator("input").inputValue();
  const row = dashboard.getByTestId("invite-row").first();
  await row.getByRole("button", { name: "Revoke" }).click();
  await dashboard
    .getByRole("dialog", { name: "Revoke this invite?" })
    .getByRole("button", { name: "Revoke invite" })
    .click();
  await expect.poll(() => row.getAttribute("data-status")).toBe("revoked");

  const page = await newPerson();
  await page.goto(link);
  await page.getByTestId("link-problem").waitFor();
  expect(await page.getByTestId("link-problem").getAttribute("data-reason")).toBe("revoked");
  await shoot(page, "invite-revoked");
  await page.goto(`${api.url}/set-password#token=${"a".repeat(32)}`);
  await page.reload();
  await page.getByRole("heading", { name: "This link isn't valid" }).waitFor();
  await page.getByRole("link", { name: "Go to sign in" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  await shoot(page, "sign-in");
});

it("the dashboard sets default channels and manages a private channel's members", async () => {
  // Owner makes a private channel in the chat; in the dashboard, adds Nina to it and removes her again.
  await chat.getByRole("button", { name: "Create channel" }).click();
  await chat.getByLabel("Name").fill("leads");
  await chat.getByLabel("Private").check();
  await chat.getByRole("button", { name: "Create", exact: true }).click();
  await chat.getByTestId("channel-name").filter({ hasText: "leads" }).waitFor();

  await dashboard.getByRole("link", { name: "Channels" }).click();
  const leads = dashboard.locator('tr[data-name="leads"]');
  await leads.getByRole("button", { name: "Members of leads" }).click();
  const panel = dashboard.getByTestId("channel-members");
  await panel.getByRole("searchbox").fill("nina");
  await panel.getByTestId("member-candidates").getByRole("button", { name: "Add" }).click();
  await panel.locator('[data-testid="member-row"][data-name="Nina Okafor"]').waitFor();
  await expect.poll(() => leads.locator("td.num").textContent()).toBe("2");
  await shoot(dashboard, "admin-channel-members");
  await panel
    .locator('[data-testid="member-row"][data-name="Nina Okafor"]')
    .getByRole("button", { name: "Remove" })
    .click();
  await dashboard.getByRole("dialog").getByRole("button", { name: "Remove member" }).click();
  await expect.poll(() => panel.getByTestId("member-row").count()).toBe(1);

  // #general is a default channel out of the box; a public channel can be made one, a private one cannot.
  const general = dashboard.locator('tr[data-name="general"]');
  expect(await general.getByRole("checkbox").isChecked()).toBe(true);
  expect(await leads.getByRole("checkbox").count()).toBe(0);
  await chat.getByRole("button", { name: "Create channel" }).click();
  await chat.getByLabel("Name").fill("announcements");
  await chat.getByRole("button", { name: "Create", exact: true }).click();
  await chat.getByTestId("channel-name").filter({ hasText: "announcements" }).waitFor();
  await dashboard.locator('input[name="q"]').fill("ann");
  const announcements = dashboard.locator('tr[data-name="announcements"]');
  await announcements.getByRole("checkbox").check();
  await expect
    .poll(async () => {
      const res = await dashboard.evaluate(() => fetch("/api/admin/channels?q=announcements").then((r) => r.json()));
      return res.channels[0]?.isDefault;
    })
    .toBe(true);
});
