// The settings page in real Chromium against a real API (PostgreSQL, Redis, Kafka, persister inline): an
// owner renames the workspace, gives it an icon and keeps channel creation to admins (a member is refused
// at once); then sets the retention to 1 day — asked first — and deletes now, after a confirmation that
// says how many messages go: the two seeded two days back are gone from history and search, the newer one
// stays, and the audit log shows the purge with its count. A member opening the dashboard is turned away.
import { screenshotWidths, TestSocket } from "api/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { WebStack } from "web/test-support";
import { SCREENS, startAdminStack, submitDashboardLogin } from "./support/dashboard";

const OWNER = { email: "owner@parley.test", password: "owner-password-123" };
const MEMBER = { email: "mia@parley.test", password: "mia-password-1234", name: "Mia" };
const TWO_DAYS_AGO = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);

let web: WebStack;
let ownerCookie = "";
let memberCookie = "";
let channelId = "";
const ids: Record<string, string> = {};

async function call(pathname: string, init: { method?: string; body?: unknown; cookie?: string } = {}) {
  const res = await fetch(`${web.api.url}${pathname}`, {
    method: init.method ?? "GET",
    headers: { origin: web.api.url, "content-type": "application/json", cookie: init.cookie ?? ownerCookie },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any };
}

const cookieOf = async (who: { email: string; password: string }) => {
  const res = await fetch(`${web.api.url}/api/auth/login`, {
    method: "POST",
    headers: { origin: web.api.url, "content-type": "application/json" },
    body: JSON.stringify(who),
  });
  expect(res.status).toBe(200);
  return (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
};

beforeAll(async () => {
  web = await startAdminStack();
  ownerCookie = await cookieOf(OWNER);
  const made = await call("/api/admin/users", {
    method: "POST",
    body: { email: MEMBER.email, displayName: MEMBER.name, role: "member" },
  });
  const token = new URL(made.body.setPassword.link).hash.replace("#token=", "");
  await call("/api/auth/set-password", { method: "POST", body: { token, password: MEMBER.password }, cookie: "" });
  memberCookie = await cookieOf({ email: MEMBER.email, password: MEMBER.password });
  channelId = (await call("/api/channels", { method: "POST", body: { kind: "public", name: "orchard" } })).body.channel
    .id;
  // Three messages through the real path (socket → Kafka → persister), two of them then dated two days back.
  const socket = await TestSocket.connect(web.api.url, ownerCookie.replace(/^parley_session=/, ""));
  await socket.ok("resume", { positions: {} });
  for (const body of ["ancient pear one", "ancient pear two", "recent pear"]) {
    const sent = await socket.ok("sendMessage", { channelId, clientId: crypto.randomUUID(), body });
    ids[body] = (sent as { messageId: string }).messageId;
  }
  socket.close();
  const services = await web.stack.open();
  try {
    for (;;) {
      if ((await services.db.message.count({ where: { channelId } })) === 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const old = [ids["ancient pear one"], ids["ancient pear two"]] as string[];
    await services.db.message.updateMany({ where: { id: { in: old } }, data: { createdAt: TWO_DAYS_AGO } });
  } finally {
    await services.close();
  }
}, 200_000);

afterAll(() => web?.close());

it("an owner sets the workspace's name, icon and who may create channels; a member is refused at once", async () => {
  const page = await web.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await submitDashboardLogin(page, web.api.url, OWNER);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("heading", { name: "Settings" }).waitFor();
  await page.getByLabel("Name", { exact: true }).fill("Orchard Co");
  await page.getByLabel("Icon").fill("🍐");
  expect(await page.getByTestId("workspace-icon").textContent()).toBe("🍐");
  await page.getByLabel("Workspace admins only").check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "every node uses it now" }).waitFor();
  expect((await call("/api/admin/settings")).body).toMatchObject({
    name: "Orchard Co",
    icon: "🍐",
    channelCreators: "admins",
  });
  const refused = await call("/api/channels", {
    method: "POST",
    body: { kind: "public", name: "mias-idea" },
    cookie: memberCookie,
  });
  expect(refused.body.error.code).toBe("admins_only");
  // Bad input: the API's typed error is shown, nothing changes.
  await page.getByLabel("Icon").fill("ABC");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByText(/invalid_request/).waitFor();
  expect((await call("/api/admin/settings")).body.icon).toBe("🍐");
  await page.getByLabel("Icon").fill("🍐");
  expect(await page.getByTestId("push-summary").textContent()).toContain("previews shown");
  await screenshotWidths(page, SCREENS, "admin-settings");
  await page.close();
});

it("retention at 1 day, asked first; 'Delete now' says how many go, then history, search and the audit log agree", async () => {
  const page = await web.browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: "UTC" });
  await submitDashboardLogin(page, web.api.url, OWNER);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Delete messages older than").check();
  await page.getByLabel("Days to keep messages").fill("1");
  await page.getByRole("button", { name: "Save retention" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Keep messages 1 day?" }).waitFor();
  expect(await dialog.textContent()).toContain("cannot be undone");
  await dialog.getByRole("button", { name: "Keep 1 day" }).click();
  await page.getByTestId("retention-notice").filter({ hasText: "Messages are kept 1 day." }).waitFor();
  await page.getByTestId("retention-due").filter({ hasText: "2 messages are older" }).waitFor();
  // Nothing went yet: the job runs hourly, or now on request.
  expect((await call(`/api/channels/${channelId}/messages?limit=50`)).body.messages).toHaveLength(3);

  await page.getByRole("button", { name: "Delete now" }).click();
  await dialog.getByRole("heading", { name: "Delete 2 messages now?" }).waitFor();
  await screenshotWidths(page, SCREENS, "admin-retention-confirm");
  await dialog.getByRole("button", { name: "Delete now" }).click();
  await page.getByTestId("retention-notice").filter({ hasText: "Deleted 2 messages and 0 files." }).waitFor();

  const history = await call(`/api/channels/${channelId}/messages?limit=50`, { cookie: memberCookie });
  expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual(["recent pear"]);
  const search = await call("/api/search?q=pear"); // the owner's: search covers one's own channels
  expect(search.body.hits.map((h: { id: string }) => h.id)).toEqual([ids["recent pear"]]);

  await page.getByRole("link", { name: "Audit log" }).click();
  await page.locator('select[name="action"]').selectOption("retention.purged");
  const row = page.getByTestId("audit-row").filter({ hasText: "retention.purged" });
  await row.waitFor();
  // The filtered page replaces the unfiltered one (which has the row too) when it arrives.
  await expect.poll(() => page.getByTestId("audit-row").count()).toBe(1);
  // The date range (days in the admin's time zone, both included): from tomorrow, nothing; from today, the purge.
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  await page.locator('input[name="from"]').fill(tomorrow);
  await page.getByText("No entries.").waitFor();
  await page.locator('input[name="from"]').fill(today);
  await page.locator('input[name="to"]').fill(today);
  await expect.poll(() => page.getByTestId("audit-row").count()).toBe(1);
  await row.getByText("more").click();
  expect(await row.locator("pre").textContent()).toContain('"messages": 2');
  await screenshotWidths(page, SCREENS, "admin-retention-audit");
  await page.close();
});

it("a member opening the dashboard (signed in to the chat) sees it is for admins only", async () => {
  const context = await web.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const [name, value] = memberCookie.split("=") as [string, string];
  await context.addCookies([{ name, value, url: web.api.url }]);
  const page = await context.newPage();
  await page.goto(`${web.api.url}/admin/settings`);
  await page.getByText("This dashboard is for admins only.").waitFor();
  expect(await page.getByRole("link", { name: "Settings" }).count()).toBe(0);
  expect((await call("/api/admin/settings", { cookie: memberCookie })).status).toBe(403);
  await screenshotWidths(page, SCREENS, "admin-member-refused");
  await context.close();
});
