// Finding people and getting around, as people do it in real Chromium against a real API, persister,
// PostgreSQL, Redis and Kafka: the directory and a DM with someone met nowhere else, a group DM of three,
// a private channel's members added and removed live (its history then refused), presence right at first
// paint and live after, and the profile. Screenshots (1280 and 390 px) go to .test-results/screens/.
import { type ApiProcess, screenshotWidths } from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { cookieOf, SCREENS, startWebStack, type WebStack } from "./support/web-stack";

const OWNER = { email: "owner@parley.test", password: "owner-password-123", name: "Admin" };
type Who = { email: string; password: string; name: string };
const BEA: Who = { email: "bea@parley.test", password: "bea-password-123", name: "Bea Brook" };
const CAL: Who = { email: "cal@parley.test", password: "cal-password-123", name: "Cal Crane" };
const DOT: Who = { email: "dot@parley.test", password: "dot-password-123", name: "Dot Drake" };
const ids: Record<string, string> = {};
const cookies: Record<string, string> = {};
let web: WebStack;
let api: ApiProcess;
let browser: Browser;
let contexts: BrowserContext[];
const http: WebStack["http"] = (...args) => web.http(...args);

/** An account made the way an admin makes one, its password set from its link; it lands in #general. */
async function makeAccount(who: Who) {
  const made = await http("POST", "/api/admin/users", { email: who.email, displayName: who.name }, cookies.owner);
  expect(made.res.status).toBe(201);
  ids[who.name] = made.json.user.id;
  const token = new URLSearchParams(new URL(made.json.setPassword.link).hash.slice(1)).get("token");
  const set = await http("POST", "/api/auth/set-password", { token, password: who.password });
  expect(set.res.status).toBe(200);
  cookies[who.name] = cookieOf(set.res);
}

beforeAll(async () => {
  web = await startWebStack();
  ({ api, browser, contexts } = web);
  const login = await http("POST", "/api/auth/login", { email: OWNER.email, password: OWNER.password });
  cookies.owner = cookieOf(login.res);
  ids.Admin = login.json.user.id;
  for (const who of [BEA, CAL, DOT]) await makeAccount(who);
  // Bea and Cal share no channel at all: both leave #general, where new accounts start.
  const { json } = await http("GET", "/api/channels", undefined, cookies[BEA.name]);
  const general = json.channels.find((c: { name: string }) => c.name === "general");
  for (const who of [BEA, CAL])
    expect((await http("POST", `/api/channels/${general.id}/leave`, undefined, cookies[who.name])).res.status).toBe(
      204,
    );
}, 200_000);

afterAll(() => web?.close());

/** A browser of its own, signed in through the sign-in page; resolves once the socket is live. */
async function signIn(who: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${api.url}/login`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("connection").filter({ hasText: "online" }).waitFor();
  return page;
}

const shoot = (page: Page, name: string) => screenshotWidths(page, SCREENS, name);
const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });
const bodies = (page: Page) => page.getByTestId("message-body").allTextContents();
async function send(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press("Enter");
}
const sidebarEntry = (page: Page, name: string) => page.getByTestId(`channel-${name}`);

it("presence is right at first paint and changes live", async () => {
  // A DM between Bea and Admin exists; Admin is signed in before Bea arrives.
  expect((await http("POST", "/api/dms", { userIds: [ids.Admin] }, cookies[BEA.name])).res.status).toBe(201);
  const admin = await signIn(OWNER);
  const bea = await signIn(BEA);
  // No waiting for a change: the dot is right as soon as the sidebar shows the DM.
  const dot = sidebarEntry(bea, "Admin").locator(".dot");
  await dot.waitFor();
  expect(await dot.getAttribute("class")).toContain("online");
  await shoot(bea, "presence-first-paint");

  // Admin sets themself away: Bea's dot follows, then offline once Admin's browser is gone.
  await admin.getByTestId("away-toggle").click();
  await expect.poll(() => dot.getAttribute("class"), { timeout: 15_000 }).toContain("away");
  await shoot(bea, "presence-away");
  await admin.context().close();
  await expect.poll(() => dot.getAttribute("class"), { timeout: 20_000 }).toContain("offline");
  await bea.context().close();
}, 90_000);

it("Bea finds Cal, whom she shares no channel with, in the directory and messages him; a group DM of three", async () => {
  const bea = await signIn(BEA);
  const cal = await signIn(CAL);
  const dot = await signIn(DOT);

  // Cal sets his profile: status, emoji and time zone; his sidebar shows the status.
  await cal.getByRole("button", { name: "Your profile" }).click();
  const form = cal.getByTestId("profile-form");
  await form.getByLabel("Status emoji").fill("🚆");
  await form.getByLabel("Status", { exact: true }).fill("Commuting");
  await form.getByLabel("Time zone").selectOption("Asia/Tokyo");
  await shoot(cal, "profile");
  await form.getByRole("button", { name: "Save profile" }).click();
  await cal.getByTestId("my-status").filter({ hasText: "🚆 Commuting" }).waitFor();

  // Bea: People, search, Cal's card with his status, presence and local time; "Message".
  await bea.getByRole("link", { name: "People" }).click();
  await bea.getByLabel("Search people").fill("cal");
  const card = bea.getByTestId("person-card").filter({ hasText: CAL.name });
  await card.waitFor();
  await expect.poll(() => bea.getByTestId("person-card").count(), { timeout: 10_000 }).toBe(1);
  expect(await card.getByTestId("person-status").textContent()).toContain("🚆 Commuting");
  expect(await card.getByTestId("person-presence").getAttribute("data-status")).toBe("online");
  const tokyo = new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Tokyo", hour: "numeric", minute: "2-digit" });
  const shown = await card.getByTestId("person-time").textContent();
  expect([tokyo.format(new Date()), tokyo.format(new Date(Date.now() - 60_000))]).toContain(
    shown?.replace(" local time", ""),
  );
  await bea.getByLabel("Search people").fill("");
  await bea.getByTestId("person-card").filter({ hasText: DOT.name }).waitFor();
  await shoot(bea, "people-directory");
  await bea.getByLabel("Search people").fill("cal");
  await card.getByRole("button", { name: "Message" }).click();
  await bea.getByTestId("channel-name").filter({ hasText: CAL.name }).waitFor();
  await send(bea, "Hi Cal, found you in the directory");

  // Cal sees the DM appear live, under Bea's name, and reads it.
  await sidebarEntry(cal, BEA.name).click({ timeout: 15_000 });
  await expect.poll(() => bodies(cal), { timeout: 15_000 }).toEqual(["Hi Cal, found you in the directory"]);
  await shoot(cal, "dm-from-directory");

  // A group DM: Bea picks Cal and Dot in "New message" and starts it.
  await bea.getByRole("button", { name: "New direct message" }).click();
  const dialog = bea.getByRole("dialog");
  for (const who of [CAL, DOT]) {
    await dialog.getByLabel("Find people").fill(who.name.split(" ")[0] ?? "");
    await dialog.getByTestId("dm-candidate").filter({ hasText: who.name }).getByRole("button", { name: "Add" }).click();
  }
  await shoot(bea, "new-group-dm");
  await dialog.getByRole("button", { name: "Start group (3)" }).click();
  await bea
    .getByTestId("channel-name")
    .filter({ hasText: `${CAL.name}, ${DOT.name}` })
    .waitFor();
  await send(bea, "Hello you two");
  for (const [page, title] of [
    [cal, `${BEA.name}, ${DOT.name}`],
    [dot, `${BEA.name}, ${CAL.name}`],
  ] as const) {
    await sidebarEntry(page, title).click({ timeout: 15_000 });
    await expect.poll(() => bodies(page), { timeout: 15_000 }).toEqual(["Hello you two"]);
  }
  await send(dot, "Hi both");
  await expect.poll(() => bodies(cal), { timeout: 15_000 }).toEqual(["Hello you two", "Hi both"]);
  await shoot(dot, "group-dm");
  for (const page of [bea, cal, dot]) await page.context().close();
}, 120_000);

it("a private channel's admin adds Bea from the UI and removes her, live; its history is then refused", async () => {
  const admin = await signIn(OWNER);
  const bea = await signIn(BEA);

  await admin.getByRole("button", { name: "Create channel" }).click();
  await admin.getByLabel("Name").fill("secret-plans");
  await admin.getByLabel("Private").check();
  await admin.getByRole("button", { name: "Create", exact: true }).click();
  await admin.getByTestId("channel-name").filter({ hasText: "secret-plans" }).waitFor();
  await send(admin, "For members only");

  // Members → Add people → Bea. She sees the channel appear in her sidebar, live.
  await admin.getByTestId("members-button").click();
  const members = admin.getByTestId("channel-members");
  await members.getByRole("button", { name: "Add people" }).click();
  await members.getByLabel("Add people").fill("bea");
  await members.getByTestId("add-candidate").filter({ hasText: BEA.name }).getByRole("button", { name: "Add" }).click();
  await members.getByTestId("member").filter({ hasText: BEA.name }).waitFor();
  await shoot(admin, "channel-members");
  await sidebarEntry(bea, "secret-plans").click({ timeout: 15_000 });
  await expect.poll(() => bodies(bea), { timeout: 15_000 }).toEqual(["For members only"]);
  const channelId = new URL(bea.url()).pathname.split("/").at(-1) as string;

  // Removed while looking at it: it leaves her sidebar and her screen, and she is told.
  await members.getByRole("button", { name: `Remove ${BEA.name}` }).click();
  await bea.getByTestId("lost-notice").waitFor({ timeout: 15_000 });
  await expect.poll(() => sidebarEntry(bea, "secret-plans").count(), { timeout: 15_000 }).toBe(0);
  await expect.poll(() => new URL(bea.url()).pathname).not.toContain(channelId);
  expect(await bodies(bea)).not.toContain("For members only");
  await shoot(bea, "removed-from-channel");

  // Its history is refused to her, in the browser and at the API.
  const status = await bea.evaluate(
    async (id) => (await fetch(`/api/channels/${id}/messages?limit=50`)).status,
    channelId,
  );
  expect(status).toBe(403);
  await bea.goto(`${api.url}/c/${channelId}`);
  await bea.getByTestId("channel-refused").waitFor();
  expect(await bodies(bea)).toEqual([]);
  await shoot(bea, "channel-refused");

  // Leaving is hers to do: added again (the search is still open), she leaves from the channel's details.
  await members.getByLabel("Add people").fill("bea");
  await members.getByTestId("add-candidate").filter({ hasText: BEA.name }).getByRole("button", { name: "Add" }).click();
  await sidebarEntry(bea, "secret-plans").click({ timeout: 15_000 });
  await bea.getByRole("button", { name: "Channel details" }).click();
  await shoot(bea, "channel-details");
  await bea.getByRole("button", { name: "Leave channel" }).click();
  await expect.poll(() => sidebarEntry(bea, "secret-plans").count(), { timeout: 15_000 }).toBe(0);
  await expect
    .poll(
      async () =>
        (await http("GET", `/api/channels/${channelId}/members`, undefined, cookies.owner)).json.members.length,
    )
    .toBe(1);
  for (const page of [admin, bea]) await page.context().close();
}, 120_000);

it("sessions: a second browser is listed and signed out from the first; sign out everywhere ends both", async () => {
  const one = await signIn(DOT);
  const two = await signIn(DOT);
  await one.getByRole("button", { name: "Your profile" }).click();
  await one.getByRole("tab", { name: "Sessions" }).click();
  await expect.poll(() => one.getByTestId("session").count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  await shoot(one, "sessions");
  await one.getByRole("button", { name: "Sign out everywhere" }).click();
  await one.getByRole("button", { name: "Sign in" }).waitFor({ timeout: 15_000 });
  await two.getByRole("button", { name: "Sign in" }).waitFor({ timeout: 15_000 });
  for (const page of [one, two]) await page.context().close();
}, 60_000);
