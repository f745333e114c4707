// The built admin dashboard, served by a real API process on the embedded default, in real Chromium.
import { watchPolicy } from "api/test-support";
import { expect, it } from "vitest";
import { checkChunkFailure, embeddedApp, OWNER } from "web/test-support";
import { SCREENS } from "./support/dashboard";

const app = embeddedApp();

it("loads the admin dashboard under /admin/, which talks to the API", async () => {
  const page = await app.browser.newPage();
  await page.goto(`${app.api.url}/admin/`);
  await expect(page.title()).resolves.toBe("Parley admin");
  await page.getByTestId("server-status").waitFor();
  expect(await page.getByTestId("server-status").textContent()).toBe("Server: ok");
});

it("serves client-side routes from the app shell", async () => {
  const res = await fetch(`${app.api.url}/admin/users`);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('<div id="root"></div>');
});

it("runs under the Content-Security-Policy with nothing blocked, no script error and nothing loaded from outside", async () => {
  const context = await app.browser.newContext();
  const problems = await watchPolicy(context, app.api.url);
  const page = await context.newPage();
  const signInPage = await page.goto(`${app.api.url}/admin/`);
  expect(signInPage?.headers()["content-security-policy"]).toMatch(/script-src 'self';/);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  for (const name of ["Users", "Channels", "Invites", "Audit"]) {
    await page.getByRole("link", { name }).click();
    await page.getByRole("heading", { level: 2, name: new RegExp(name, "i") }).waitFor();
  }
  expect(problems).toEqual([]);
  await context.close();
});

it("a page whose code cannot be loaded shows the shared error page with Reload, under the CSP, reporting nothing outside", async () => {
  const context = await app.browser.newContext();
  const problems = await watchPolicy(context, app.api.url);
  const page = await context.newPage();
  await page.goto(`${app.api.url}/admin/`);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: "Users" }).waitFor();
  await checkChunkFailure(context, page, problems, {
    chunk: /\/admin\/assets\/audit-page-[\w-]+\.js$/,
    open: () => page.getByRole("link", { name: "Audit" }).click(),
    reloaded: () => page.getByRole("heading", { level: 2, name: /Audit/i }).waitFor({ timeout: 20_000 }),
    screens: SCREENS,
  });
  await context.close();
});
