// The admin dashboard end to end: the built app served by a real API process (PostgreSQL, Redis, Kafka),
// driven in real Chromium.

import { createChannel, createUser, screenshotWidths } from "api/test-support";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { WebStack } from "web/test-support";
import { SCREENS, startAdminStack, submitDashboardLogin } from "./support/dashboard";

const OWNER = { email: "owner@parley.test", password: "owner-password-123" };
const MEMBER = { email: "member@parley.test", password: "member-password-123" };
const TARGET = "troublemaker@parley.test";

let web: WebStack;

/** A call as the browser makes it: same Origin, the session cookie. */
async function call(path: string, init: { method?: string; body?: unknown; cookie?: string } = {}) {
  const res = await fetch(`${web.api.url}${path}`, {
    method: init.method ?? "GET",
    headers: { origin: web.api.url, "content-type": "application/json", cookie: init.cookie ?? "" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { res, body: res.status === 204 ? null : await res.json() };
}

/** An account with a password, made the way an admin does: create, then use the set-password link. */
async function makeUser(ownerCookie: string, email: string, password?: string) {
  const created = await call("/api/admin/users", {
    method: "POST",
    cookie: ownerCookie,
    body: { email, displayName: email.split("@")[0], role: "member" },
  });
  expect(created.res.status).toBe(201);
  if (!password) return;
  const token = new URL(created.body.setPassword.link).hash.replace("#token=", "");
  const set = await call("/api/auth/set-password", { method: "POST", body: { token, password } });
  expect(set.res.status).toBe(200);
}

beforeAll(async () => {
  web = await startAdminStack();
  const login = await call("/api/auth/login", { method: "POST", body: OWNER });
  expect(login.res.status).toBe(200);
  const cookie = (login.res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  await makeUser(cookie, MEMBER.email, MEMBER.password);
  await makeUser(cookie, TARGET);
}, 200_000);

afterAll(() => web?.close());

const userRows = (page: Page) => page.getByTestId("user-row");

it("lets the owner search, create and ban users, read the audit log, and create and revoke an invite", async () => {
  const page = await web.browser.newPage({ viewport: { width: 1400, height: 900 } });
  await submitDashboardLogin(page, web.api.url, OWNER);
  await expect.poll(() => page.getByTestId("me").textContent()).toBe(OWNER.email);
  await page.getByTestId("users-total").waitFor();
  expect(await page.getByTestId("users-total").textContent()).toBe("3");

  // Search: a prefix of the email narrows the table to that one user.
  await page.getByRole("link", { name: "Users" }).click();
  await expect.poll(() => userRows(page).count()).toBe(3);
  await page.locator('input[name="q"]').fill("trouble");
  await expect.poll(() => userRows(page).count()).toBe(1);
  expect(await userRows(page).first().getAttribute("data-email")).toBe(TARGET);

  // Create: the one-time set-password link is shown.
  await page.getByRole("button", { name: "New user" }).click();
  const form = page.getByTestId("user-create");
  await form.locator('input[name="email"]').fill("newcomer@parley.test");
  await form.locator('input[name="displayName"]').fill("Newcomer");
  await form.getByRole("button", { name: "Create" }).click();
  const link = await form.getByTestId("one-time-link").locator("input").inputValue();
  expect(link).toMatch(/\/set-password#token=.{16,}/);
  await page.locator('tr[data-email="newcomer@parley.test"]').waitFor();

  // Ban with a reason: the table says banned.
  await page.locator(`tr[data-email="${TARGET}"]`).click();
  const detail = page.getByTestId("user-detail");
  await detail.locator('input[name="reason"]').fill("spamming every channel");
  await detail.getByRole("button", { name: "Ban…" }).click();
  const banDialog = page.getByRole("dialog", { name: "Ban troublemaker?" });
  expect(await banDialog.textContent()).toContain("spamming every channel");
  await banDialog.getByRole("button", { name: "Ban", exact: true }).click();
  await expect
    .poll(() => page.locator(`tr[data-email="${TARGET}"]`).getByTestId("user-state").textContent())
    .toBe("banned");
  const fresh = await call(`/api/admin/users?q=trouble`, { cookie: await cookieOf(page) });
  expect(fresh.body.users[0].state).toBe("banned");

  // The audit log lists the ban, with its reason and target.
  await page.getByRole("link", { name: "Audit log" }).first().click();
  const ban = page.locator('tr[data-action="user.banned"]');
  await ban.waitFor();
  expect(await ban.textContent()).toContain("spamming every channel");
  expect(await ban.textContent()).toContain(TARGET);
  // The action filter offers the API's own list of audit actions (GET /api/admin/audit/actions), channel
  // actions included, and filters by what is picked.
  const served = (await call("/api/admin/audit/actions", { cookie: await cookieOf(page) })).body.actions as string[];
  const filter = page.locator('select[name="action"] option');
  await expect.poll(() => filter.count()).toBe(served.length + 1);
  expect((await filter.allTextContents()).slice(1)).toEqual(served);
  expect(served).toContain("channel.created");
  await page.locator('select[name="action"]').selectOption("user.banned");
  await expect
    .poll(() => page.locator("tr[data-action]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action"))))
    .toEqual(["user.banned"]);

  // Invites: create (link shown once), then revoke.
  await page.getByRole("link", { name: "Invites" }).click();
  await page.getByRole("button", { name: "Create invite" }).click();
  const inviteLink = await page.getByTestId("invite-form").getByTestId("one-time-link").locator("input").inputValue();
  expect(inviteLink).toMatch(/#token=.{16,}/);
  const row = page.getByTestId("invite-row").first();
  await expect.poll(() => row.getAttribute("data-status")).toBe("active");
  await page.screenshot({ path: "/tmp/parley-admin-invites.png" });
  await row.getByRole("button", { name: "Revoke…" }).click();
  await page
    .getByRole("dialog", { name: "Revoke this invite?" })
    .getByRole("button", { name: "Revoke invite" })
    .click();
  await expect.poll(() => row.getAttribute("data-status")).toBe("revoked");
  const invites = await call("/api/admin/invites", { cookie: await cookieOf(page) });
  expect(invites.body.invites.map((i: { status: string }) => i.status)).toEqual(["revoked"]);

  // Signing out ends the session.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/admin\/login$/);
  await page.close();
});

it("refuses a member who signs in, and leaves them signed out", async () => {
  const page = await web.browser.newPage();
  await submitDashboardLogin(page, web.api.url, MEMBER);
  await page.getByText("admins only").waitFor();
  expect(page.url()).toMatch(/\/admin\/login$/);
  expect(await page.getByTestId("me").count()).toBe(0);
  const me = await page.evaluate(() => fetch("/api/me").then((r) => r.status));
  expect(me).toBe(401);
  await page.close();
});

it("shows channels with member counts, renames and archives one, and shows the API's refusals", async () => {
  const services = await web.stack.open();
  const ids = (await services.db.user.findMany({ select: { id: true } })).map((u) => u.id);
  const channel = await createChannel(services.db, ids.slice(0, 2));
  const page = await web.browser.newPage({ viewport: { width: 1400, height: 900 } });
  await submitDashboardLogin(page, web.api.url, OWNER);
  await page.getByTestId("users-total").waitFor();
  expect(await page.getByTestId("count-owner").textContent()).toBe("1");

  await page.getByRole("link", { name: "Channels" }).click();
  await page.locator('input[name="q"]').fill(channel.name ?? "missing");
  const row = page.getByTestId("channel-row");
  await expect.poll(() => row.count()).toBe(1);
  expect(await row.locator("td.num").textContent()).toBe("2");
  await row.getByRole("button", { name: "rename" }).click();
  await row.locator('input[name="name"]').fill("Renamed-Room");
  await row.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => row.locator(".channel-name").textContent()).toBe("#renamed-room");
  // Archiving asks first and says what it does; Cancel changes nothing, confirming archives.
  await row.getByRole("button", { name: "Archive…" }).click();
  const archive = page.getByRole("dialog", { name: "Archive #renamed-room?" });
  expect(await archive.textContent()).toContain("can still read #renamed-room and its history, but nobody can post");
  await screenshotWidths(page, SCREENS, "admin-archive-confirm");
  await archive.getByRole("button", { name: "Cancel" }).click();
  await archive.waitFor({ state: "hidden" });
  expect((await services.db.channel.findUniqueOrThrow({ where: { id: channel.id } })).archivedAt).toBeNull();
  expect(await row.locator(".badge").textContent()).toBe("active");
  await row.getByRole("button", { name: "Archive…" }).click();
  await archive.getByRole("button", { name: "Archive channel" }).click();
  await row.getByRole("button", { name: "Unarchive" }).waitFor();
  await page.getByRole("status").filter({ hasText: "Archived #renamed-room." }).waitFor();
  const stored = await services.db.channel.findUniqueOrThrow({ where: { id: channel.id } });
  expect(stored.name).toBe("renamed-room");
  expect(stored.archivedAt).not.toBeNull();

  // The last owner cannot demote themself: the API's 409 is shown beside the controls.
  // Cursor pagination: 25 a page, "Load more" appends the rest, sorted by name.
  for (let i = 0; i < 30; i++) await createUser(services.db, { name: `bulk-${String(i).padStart(2, "0")}` });
  await page.getByRole("link", { name: "Users" }).click();
  // The Channels page has a search box of the same name: wait until the Users page replaced it, or the
  // fill below can land in the old box, whose pending search dies with it (seen on a loaded machine).
  await userRows(page).first().waitFor();
  // The search box asks once typing pauses: wait for that request, or the unfiltered list (also newest
  // first, so also headed by bulk-29) could pass for it and the next click would race the search.
  const searched = page.waitForResponse((r) => r.url().includes("q=bulk-") && r.ok());
  await page.locator('input[name="q"]').fill("bulk-");
  await searched;
  const firstName = () => userRows(page).first().getByTestId("user-name").textContent();
  await expect.poll(firstName).toBe("bulk-29"); // newest first
  expect(await userRows(page).count()).toBe(25);
  await page.getByRole("button", { name: "Name" }).click();
  await expect.poll(firstName).toBe("bulk-00");
  await page.getByRole("button", { name: "Load more" }).click();
  await expect.poll(() => userRows(page).count()).toBe(30);
  expect(await userRows(page).last().getByTestId("user-name").textContent()).toBe("bulk-29");
  expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
  await page.locator('input[name="q"]').fill("");
  await page.locator(`tr[data-email="${OWNER.email}"]`).click();
  await page.getByTestId("user-detail").locator('select[name="role"]').selectOption("admin");
  await page.getByTestId("user-detail").getByRole("alert").getByText("last_owner").waitFor();
  await expect.poll(() => page.getByTestId("user-detail").locator('select[name="role"]').inputValue()).toBe("owner");
  await page.screenshot({ path: "/tmp/parley-admin-users.png" });

  // The session ends elsewhere: the next call's 401 brings the dashboard back to sign-in.
  expect((await call("/api/auth/logout", { method: "POST", cookie: await cookieOf(page) })).res.status).toBe(204);
  await page.getByRole("link", { name: "Invites" }).click();
  await page.waitForURL(/\/admin\/login$/);
  await page.getByText("session has ended").waitFor();
  await page.close();
});

async function cookieOf(page: Page) {
  const cookies = await page.context().cookies(web.api.url);
  const session = cookies.find((c) => c.name === "parley_session");
  return session ? `parley_session=${session.value}` : "";
}
