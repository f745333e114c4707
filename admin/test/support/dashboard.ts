// What the dashboard's browser tests share on top of web/test-support: their stack (the web client's, with
// screenshots kept under admin/.test-results/screens) and signing in to /admin/ as the owner.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { OWNER, startWebStack, type WebStack } from "web/test-support";

export const SCREENS = path.join(import.meta.dirname, "..", "..", ".test-results", "screens");

export async function startAdminStack(apiEnv: Record<string, string> = {}): Promise<WebStack> {
  mkdirSync(SCREENS, { recursive: true });
  return startWebStack(apiEnv);
}

/** Fills in and sends the dashboard's sign-in form at /admin/; what follows is the caller's to wait for. */
export async function submitDashboardLogin(page: Page, apiUrl: string, who: { email: string; password: string }) {
  await page.goto(`${apiUrl}/admin/`);
  await page.waitForURL(/\/admin\/login$/);
  await page.locator('input[name="email"]').fill(who.email);
  await page.locator('input[name="password"]').fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs the owner in at /admin/ and waits until the dashboard says who is signed in. */
export async function signInAsOwner(page: Page, apiUrl: string): Promise<void> {
  await submitDashboardLogin(page, apiUrl, OWNER);
  await page.getByTestId("me").filter({ hasText: OWNER.email }).waitFor();
}

/** A 1280×800 tab of its own (closed with the stack) with the owner signed in to the dashboard. */
export async function ownerDashboard(web: WebStack): Promise<Page> {
  const context = await web.browser.newContext({ viewport: { width: 1280, height: 800 } });
  web.contexts.push(context);
  const page = await context.newPage();
  await signInAsOwner(page, web.api.url);
  return page;
}
