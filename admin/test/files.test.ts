// The dashboard's Files page in real Chromium against a real API (PostgreSQL, Redis, Kafka, persister):
// a member shares an image and a file in #general; the owner sees the storage used per person, changes the
// upload limits (the API enforces the new ones, the audit log records it), finds the image by name and
// deletes it after a confirmation that names it — and the member, with the channel open, sees the image
// vanish from the message at once while the other file stays. Screenshots at 1280 and 390 px.
import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  type ApiProcess,
  createTestStack,
  launchChromium,
  screenshotWidths,
  startApi,
  type TestStack,
  testPng,
} from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";

const SCREENS = path.join(import.meta.dirname, "..", ".test-results", "screens");
const OWNER = { email: "owner@parley.test", password: "owner-password-123" };
const BEE = { email: "bee@parley.test", password: "bee-password-456", name: "Bee" };
const MB = 1024 * 1024;

let stack: TestStack;
let api: ApiProcess;
let browser: Browser;
let services: Awaited<ReturnType<TestStack["open"]>>;
const contexts: BrowserContext[] = [];
let beeCookie = "";

async function http(path: string, body: unknown, cookie = "") {
  const res = await fetch(`${api.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: api.url, cookie },
    body: JSON.stringify(body),
  });
  return { res, json: (await res.json().catch(() => null)) as unknown };
}
const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  [api, browser] = await Promise.all([startApi(stack.env), launchChromium()]);
  const ownerCookie = cookieOf((await http("/api/auth/login", OWNER)).res);
  const made = await http("/api/admin/users", { email: BEE.email, displayName: BEE.name }, ownerCookie);
  expect(made.res.status).toBe(201);
  const { setPassword } = made.json as { setPassword: { link: string } };
  const token = new URLSearchParams(new URL(setPassword.link).hash.slice(1)).get("token");
  const set = await http("/api/auth/set-password", { token, password: BEE.password });
  expect(set.res.status).toBe(200);
  beeCookie = cookieOf(set.res);
}, 200_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await api?.stop();
  await stack?.cleanup();
});

async function memberInGeneral(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${api.url}/login`);
  await page.getByLabel("Email").fill(BEE.email);
  await page.getByLabel("Password").fill(BEE.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("connection").filter({ hasText: "online" }).waitFor();
  await page.getByTestId("channel-general").click();
  await page.getByRole("textbox", { name: "Message", exact: true }).waitFor();
  return page;
}

async function adminPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${api.url}/admin/`);
  await page.waitForURL(/\/admin\/login$/);
  await page.locator('input[name="email"]').fill(OWNER.email);
  await page.locator('input[name="password"]').fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("me").filter({ hasText: OWNER.email }).waitFor();
  return page;
}

const limits = async () =>
  (await (await fetch(`${api.url}/api/files/limits`, { headers: { cookie: beeCookie } })).json()) as {
    maxBytes: number;
    quotaBytes: number;
  };

it("limits, usage per person, and a confirmed, audited delete that the open channel shows at once", async () => {
  const bee = await memberInGeneral();
  const notes = Buffer.from("Notes from the dock.\n");
  await bee.getByTestId("file-input").setInputFiles([
    { name: "harbour.png", mimeType: "image/png", buffer: await testPng({ width: 640, height: 400 }) },
    { name: "notes.txt", mimeType: "text/plain", buffer: notes },
  ]);
  await expect.poll(() => bee.getByTestId("upload").count()).toBe(2);
  await bee.locator("progress.upload-progress").first().waitFor({ state: "detached", timeout: 30_000 });
  const box = bee.getByRole("textbox", { name: "Message", exact: true });
  await box.fill("for the record");
  await box.press("Enter");
  const message = bee.getByTestId("message").filter({ hasText: "for the record" });
  await message.getByTestId("image-preview").waitFor({ timeout: 20_000 });
  await message.getByTestId("file-card").filter({ hasText: "notes.txt" }).waitFor();
  // A marker that a reload would lose: the image must go without one.
  await bee.evaluate("window.__stayed = true");

  const admin = await adminPage();
  await admin.getByRole("link", { name: "Files" }).click();
  await admin.waitForURL(/\/admin\/files$/);
  const beeUsage = admin.getByTestId("usage-row").filter({ hasText: BEE.email });
  await beeUsage.waitFor();
  expect(await beeUsage.locator("td").nth(1).textContent()).toBe("2");
  await expect.poll(() => admin.getByTestId("file-row").count()).toBe(2);

  // Limits: 5 MB a file, a 2 GB quota. The API enforces them from now on; the audit log records the change.
  const before = await limits();
  await admin.getByLabel("Largest file (MB)").fill("5");
  await admin.getByLabel("Workspace quota (GB)").fill("2");
  await admin.getByRole("button", { name: "Save limits" }).click();
  await admin.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  expect(await limits()).toMatchObject({ maxBytes: 5 * MB, quotaBytes: 2 * 1024 * MB });
  const changed = await services.db.auditLog.findFirstOrThrow({ where: { action: "workspace.file_settings_changed" } });
  expect(changed.details).toMatchObject({
    before: { maxBytes: before.maxBytes },
    after: { maxBytes: 5 * MB, quotaBytes: 2 * 1024 * MB },
  });
  await expect.poll(() => admin.getByTestId("files-used").textContent()).toContain("of 2.00 GB");
  await screenshotWidths(admin, SCREENS, "admin-files");

  // Find the image by name; Cancel changes nothing.
  await admin.getByRole("searchbox", { name: "Find files by name" }).fill("harb");
  await expect.poll(() => admin.getByTestId("file-row").count()).toBe(1);
  const row = admin.getByTestId("file-row").filter({ hasText: "harbour.png" });
  await row.getByRole("button", { name: "Delete…" }).click();
  const dialog = admin.getByRole("dialog", { name: "Delete “harbour.png”?" });
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain("harbour.png");
  expect(await dialog.textContent()).toContain("shared by Bee in #general");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "hidden" });
  expect(await services.db.file.count({ where: { deletedAt: null } })).toBe(2);

  // Delete it for real, with a reason.
  await row.getByRole("button", { name: "Delete…" }).click();
  await dialog.waitFor();
  await dialog.getByLabel(/Reason/).fill("private photo");
  await screenshotWidths(admin, SCREENS, "admin-files-confirm");
  await dialog.getByRole("button", { name: "Delete file" }).click();
  await admin.getByRole("status").filter({ hasText: "Deleted harbour.png." }).waitFor();
  await expect.poll(() => admin.getByTestId("file-row").count()).toBe(0);

  // Bee, who had the channel open all along: the image leaves the message live; the text file stays.
  await expect.poll(() => message.getByTestId("image-preview").count(), { timeout: 20_000 }).toBe(0);
  expect(await message.getByTestId("file-card").filter({ hasText: "notes.txt" }).count()).toBe(1);
  expect(await bee.evaluate("window.__stayed")).toBe(true);
  await screenshotWidths(bee, SCREENS, "admin-files-member-after");

  const audit = await services.db.auditLog.findFirstOrThrow({ where: { action: "file.deleted" } });
  expect(audit).toMatchObject({ reason: "private photo" });
  expect(audit.details).toMatchObject({ name: "harbour.png" });
  // Usage follows: one file left for Bee.
  await expect.poll(() => beeUsage.locator("td").nth(1).textContent()).toBe("1");
}, 240_000);
