// The built web client, served by a real API process on the embedded default, in real Chromium.
import { screenshotWidths, watchPolicy } from "api/test-support";
import { expect, it } from "vitest";
import { checkChunkFailure } from "./support/chunk-failure";
import { embeddedApp } from "./support/embedded-app";
import { OWNER } from "./support/people";
import { SCREENS } from "./support/web-stack";

const app = embeddedApp();

it("loads the web client, which sends a visitor without a session to sign in", async () => {
  const page = await app.browser.newPage();
  await page.goto(`${app.api.url}/`);
  await expect(page.title()).resolves.toBe("Parley");
  await page.getByLabel("Password").waitFor();
  expect(new URL(page.url()).pathname).toBe("/login");
});

it("serves client-side routes from the app shell", async () => {
  const res = await fetch(`${app.api.url}/some/client/route`);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('<div id="root"></div>');
});

it("runs under the Content-Security-Policy with nothing blocked, no script error and nothing loaded from outside", async () => {
  const context = await app.browser.newContext();
  const problems = await watchPolicy(context, app.api.url);
  const page = await context.newPage();
  const signInPage = await page.goto(`${app.api.url}/`);
  expect(signInPage?.headers()["content-security-policy"]).toMatch(/script-src 'self';/);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  const socket = page.waitForEvent("websocket");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/login");
  await (await socket).waitForEvent("framereceived"); // the chat's socket is open and talking
  // The API's own page: Swagger UI from the npm package, offline, under the same policy.
  const docs = await page.goto(`${app.api.url}/api/docs`);
  expect(docs?.headers()["content-security-policy"]).toMatch(/default-src 'self';/);
  await page.getByRole("heading", { name: /Parley API/ }).waitFor();
  await screenshotWidths(page, SCREENS, "api-docs");
  expect(problems).toEqual([]);
  await context.close();
});

it("a page whose code cannot be loaded shows the app's error page with Reload, under the CSP, reporting nothing outside", async () => {
  const context = await app.browser.newContext();
  const problems = await watchPolicy(context, app.api.url);
  const page = await context.newPage();
  await page.goto(`${app.api.url}/`);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/login");
  await checkChunkFailure(context, page, problems, {
    chunk: /\/assets\/people-page-[\w-]+\.js$/,
    open: () => page.getByRole("link", { name: "People" }).click(),
    reloaded: () => page.getByRole("heading", { level: 1, name: "People" }).waitFor({ timeout: 20_000 }),
    screens: SCREENS,
  });
  await context.close();
});
