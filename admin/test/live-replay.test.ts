// The live view's dead letters in real Chromium: two events the persister refuses (not JSON, written to the
// log as a broken producer would, as api/test/integration/ops-dead-letters.test.ts does) show as waiting;
// the admin clicks Replay; the dashboard says both went back onto the log, the persister refuses them again
// (they come back: a replay never loses an event), and the audit log records who replayed how many.
// Screenshots: admin/.test-results/screens/live-replay-*.
import { screenshotWidths } from "api/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { OWNER, type WebStack } from "web/test-support";
import { SCREENS, signInAsOwner, startAdminStack } from "./support/dashboard";

/** The persister's session and batch timings on a loaded, shared machine. */
const LOADED_MS = 60_000;

let web: WebStack;

beforeAll(async () => {
  web = await startAdminStack();
}, 200_000);

afterAll(() => web?.close());

it("replays the dead letters from the live view, and the audit log records it", async () => {
  const services = await web.stack.open();
  const owner = await services.db.user.findFirstOrThrow({ where: { email: OWNER.email } });
  await services.log.append([
    { key: owner.id, value: "not json 1" },
    { key: owner.id, value: "not json 2" },
  ]);

  const page = await web.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signInAsOwner(page, web.api.url);
  await page.getByRole("link", { name: "Live operations" }).click();
  const waiting = page.getByTestId("live-dead-letters");
  await expect.poll(() => waiting.textContent(), { timeout: LOADED_MS }).toBe("2");
  await screenshotWidths(page, SCREENS, "live-replay-waiting");

  await page.getByRole("button", { name: "Replay" }).click();
  await page.getByTestId("replay-result").filter({ hasText: "Replayed 2." }).waitFor();
  // Both went back onto the log; the persister refuses them again, so they wait again (not lost).
  await expect.poll(() => waiting.textContent(), { timeout: LOADED_MS }).toBe("2");
  await screenshotWidths(page, SCREENS, "live-replay-done");

  // The audit page lists the replay (its action filter comes from the API, the new action included).
  await page.getByRole("link", { name: "Audit log" }).first().click();
  await page.getByTestId("audit-row").first().waitFor();
  await page.locator('select[name="action"]').selectOption("ops.dead_letters_replayed");
  const row = page.locator('tr[data-action="ops.dead_letters_replayed"]');
  await expect.poll(() => page.getByTestId("audit-row").count()).toBe(1);
  expect(await row.count()).toBe(1);
  expect(await row.textContent()).toContain(OWNER.email);
  await row.getByText("more").click();
  expect(await row.locator("pre").textContent()).toContain('"replayed": 2');
  await screenshotWidths(page, SCREENS, "live-replay-audit");
  await page.close();
});
