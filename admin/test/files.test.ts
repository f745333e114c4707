// The dashboard's Files page in real Chromium against a real API (PostgreSQL, Redis, Kafka, persister):
// a member shares an image and a file in #general; the owner sees the storage used per person, changes the
// upload limits (the API enforces the new ones, the audit log records it), finds the image by name and
// deletes it after a confirmation that names it — and the member, with the channel open, sees the image
// vanish from the message at once while the other file stays. Screenshots at 1280 and 390 px.
import { screenshotWidths, testPng } from "api/test-support";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { cookieOf, makePerson, ownerCookie, type Person, type WebStack } from "web/test-support";
import { ownerDashboard, SCREENS, startAdminStack } from "./support/dashboard";

const MB = 1024 * 1024;

let web: WebStack;
let services: Awaited<ReturnType<WebStack["stack"]["open"]>>;
let bee: Person;
let beeCookie = "";

beforeAll(async () => {
  web = await startAdminStack();
  services = await web.stack.open();
  bee = await makePerson(web.api, await ownerCookie(web.api), "Bee");
  beeCookie = cookieOf((await web.http("POST", "/api/auth/login", { email: bee.email, password: bee.password })).res);
}, 200_000);

afterAll(() => web?.close());

async function memberInGeneral(): Promise<Page> {
  const context = await web.browser.newContext({ viewport: { width: 1280, height: 800 } });
  web.contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${web.api.url}/login`);
  await page.getByLabel("Email").fill(bee.email);
  await page.getByLabel("Password").fill(bee.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("connection").filter({ hasText: "online" }).waitFor();
  await page.getByTestId("channel-general").click();
  await page.getByRole("textbox", { name: "Message", exact: true }).waitFor();
  return page;
}

const limits = async () =>
  (await (await fetch(`${web.api.url}/api/files/limits`, { headers: { cookie: beeCookie } })).json()) as {
    maxBytes: number;
    quotaBytes: number;
  };

it("limits, usage per person, and a confirmed, audited delete that the open channel shows at once", async () => {
  const beeTab = await memberInGeneral();
  const notes = Buffer.from("Notes from the dock.\n");
  await beeTab.getByTestId("file-input").setInputFiles([
    { name: "harbour.png", mimeType: "image/png", buffer: await testPng({ width: 640, height: 400 }) },
    { name: "notes.txt", mimeType: "text/plain", buffer: notes },
  ]);
  await expect.poll(() => beeTab.getByTestId("upload").count()).toBe(2);
  await beeTab.locator("progress.upload-progress").first().waitFor({ state: "detached", timeout: 30_000 });
  const box = beeTab.getByRole("textbox", { name: "Message", exact: true });
  await box.fill("for the record");
  await box.press("Enter");
  const message = beeTab.getByTestId("message").filter({ hasText: "for the record" });
  await message.getByTestId("image-preview").waitFor({ timeout: 20_000 });
  await message.getByTestId("file-card").filter({ hasText: "notes.txt" }).waitFor();
  // A marker that a reload would lose: the image must go without one.
  await beeTab.evaluate("window.__stayed = true");

  const admin = await ownerDashboard(web);
  await admin.getByRole("link", { name: "Files" }).click();
  await admin.waitForURL(/\/admin\/files$/);
  const beeUsage = admin.getByTestId("usage-row").filter({ hasText: bee.email });
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
  expect(await beeTab.evaluate("window.__stayed")).toBe(true);
  await screenshotWidths(beeTab, SCREENS, "admin-files-member-after");

  const audit = await services.db.auditLog.findFirstOrThrow({ where: { action: "file.deleted" } });
  expect(audit).toMatchObject({ reason: "private photo" });
  expect(audit.details).toMatchObject({ name: "harbour.png" });
  // Usage follows: one file left for Bee.
  await expect.poll(() => beeUsage.locator("td").nth(1).textContent()).toBe("1");
}, 240_000);
