// The built web client, served by a real API process on the embedded default, in real Chromium.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type ApiProcess, freePort, launchChromium, screenshotWidths, startApi, watchPolicy } from "api/test-support";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";

let api: ApiProcess;
const OWNER_ENV = { ADMIN_EMAIL: "owner@parley.test", ADMIN_PASSWORD: "owner-password-123" };
let browser: Browser;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "parley-web-"));
chmodSync(dataDir, 0o755);

beforeAll(async () => {
  const env = { DATABASE_URL: "", REDIS_URL: "", KAFKA_BROKERS: "", DATA_DIR: dataDir, ...OWNER_ENV };
  api = await startApi({ ...env, EMBEDDED_PG_PORT: String(await freePort()) }, 180_000);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it("loads the web client, which sends a visitor without a session to sign in", async () => {
  const page = await browser.newPage();
  await page.goto(`${api.url}/`);
  await expect(page.title()).resolves.toBe("Parley");
  await page.getByLabel("Password").waitFor();
  expect(new URL(page.url()).pathname).toBe("/login");
});

it("serves client-side routes from the app shell", async () => {
  const res = await fetch(`${api.url}/some/client/route`);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('<div id="root"></div>');
});

it("runs under the Content-Security-Policy with nothing blocked, no script error and nothing loaded from outside", async () => {
  const context = await browser.newContext();
  const problems = await watchPolicy(context, api.url);
  const page = await context.newPage();
  const signInPage = await page.goto(`${api.url}/`);
  expect(signInPage?.headers()["content-security-policy"]).toMatch(/script-src 'self';/);
  await page.getByLabel("Email").fill(OWNER_ENV.ADMIN_EMAIL);
  await page.getByLabel("Password").fill(OWNER_ENV.ADMIN_PASSWORD);
  const socket = page.waitForEvent("websocket");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/login");
  await (await socket).waitForEvent("framereceived"); // the chat's socket is open and talking
  // The API's own page: Swagger UI from the npm package, offline, under the same policy.
  const docs = await page.goto(`${api.url}/api/docs`);
  expect(docs?.headers()["content-security-policy"]).toMatch(/default-src 'self';/);
  await page.getByRole("heading", { name: /Parley API/ }).waitFor();
  await screenshotWidths(page, path.join(import.meta.dirname, "..", ".test-results", "screens"), "api-docs");
  expect(problems).toEqual([]);
  await context.close();
});

it("a page whose code cannot be loaded shows the app's error page with Reload, under the CSP, reporting nothing outside", async () => {
  const context = await browser.newContext();
  const problems = await watchPolicy(context, api.url);
  const page = await context.newPage();
  await page.goto(`${api.url}/`);
  await page.getByLabel("Email").fill(OWNER_ENV.ADMIN_EMAIL);
  await page.getByLabel("Password").fill(OWNER_ENV.ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/login");
  // The people page's chunk does not arrive (as after a deploy removed it, or a dropped connection).
  const chunk = /\/assets\/people-page-[\w-]+\.js$/;
  let blocked = 0;
  await context.route(chunk, (route) => {
    blocked += 1;
    return route.abort();
  });
  await page.getByRole("link", { name: "People" }).click();
  const error = page.getByTestId("app-error");
  await error.getByRole("heading", { name: "This page could not be loaded" }).waitFor({ timeout: 20_000 });
  expect(blocked).toBeGreaterThan(0);
  await screenshotWidths(page, path.join(import.meta.dirname, "..", ".test-results", "screens"), "app-error");
  // The failed import is logged by the browser itself; nothing the policy blocked, nothing sent outside.
  expect(problems.filter((p) => !p.startsWith("console:"))).toEqual([]);
  expect(problems.filter((p) => /CSP violation/.test(p))).toEqual([]);

  await context.unroute(chunk);
  await error.getByRole("button", { name: "Reload" }).click();
  await page.getByRole("heading", { level: 1, name: "People" }).waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("app-error").count()).toBe(0);
  await context.close();
});
