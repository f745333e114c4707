// Audit CSV export in real Chromium: the admin filters the audit page, clicks Export CSV, and the file the
// browser downloads holds exactly what those filters match (all of it, not only the page shown), with a
// hostile display name defused. Screenshot: admin/.test-results/screens/audit-export-*.

import { readFile } from "node:fs/promises";
import { createUser, parseCsv, screenshotWidths } from "api/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { OWNER, type WebStack } from "web/test-support";
import { SCREENS, signInAsOwner, startAdminStack } from "./support/dashboard";

const HOSTILE = '=HYPERLINK("http://evil.test","click")';

let web: WebStack;

beforeAll(async () => {
  web = await startAdminStack();
}, 200_000);

afterAll(() => web?.close());

it("downloads the filtered audit log as CSV from the Export button", async () => {
  const { db } = await web.stack.open();
  const owner = await db.user.findFirstOrThrow({ where: { email: OWNER.email } });
  const target = await createUser(db, { name: HOSTILE });
  const bystander = await createUser(db);
  // 120 bans of the target (more than the 50 the page shows) and some noise the filters must leave out.
  await db.auditLog.createMany({
    data: [
      ...Array.from({ length: 120 }, (_, i) => ({
        action: "user.banned",
        actorId: owner.id,
        targetType: "user",
        targetId: target.id,
        reason: i === 0 ? 'first, with "quotes"\nand a second line' : `ban ${i}`,
        at: new Date(Date.now() - 3600_000 + i * 1000),
      })),
      { action: "user.banned", actorId: owner.id, targetType: "user", targetId: bystander.id, reason: "other" },
      { action: "user.deactivated", actorId: owner.id, targetType: "user", targetId: target.id },
    ],
  });

  const page = await web.browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  await signInAsOwner(page, web.api.url);
  await page.getByRole("link", { name: "Audit log" }).first().click();
  await page.getByTestId("audit-row").first().waitFor();

  await page.locator('select[name="action"]').selectOption("user.banned");
  const filtered = page.waitForResponse((r) => r.url().includes(`targetId=${target.id}`) && r.ok());
  await page.locator('input[name="target"]').fill(target.id);
  await page.locator('input[name="target"]').press("Enter");
  await page.locator('input[name="target"]').blur();
  await filtered;
  await expect.poll(() => page.getByTestId("audit-row").count()).toBe(50);
  await screenshotWidths(page, SCREENS, "audit-export");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^parley-audit-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv$/);
  const file = await download.path();
  const [head, ...rows] = parseCsv(await readFile(file, "utf8"));
  const col = (name: string) => (head ?? []).indexOf(name);
  expect(rows).toHaveLength(120);
  expect(new Set(rows.map((r) => r[col("action")]))).toEqual(new Set(["user.banned"]));
  expect(new Set(rows.map((r) => r[col("target_id")]))).toEqual(new Set([target.id]));
  expect(rows[0]?.[col("reason")]).toBe("ban 119");
  expect(rows.at(-1)?.[col("reason")]).toBe('first, with "quotes"\nand a second line');
  // A spreadsheet would run the display name as a formula: the file keeps it as text.
  expect(rows[0]?.[col("target_name")]).toBe(`'${HOSTILE}`);
  expect(rows[0]?.[col("actor_email")]).toBe(OWNER.email);
  await page.close();
});
