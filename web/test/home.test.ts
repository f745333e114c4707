// The built web client, served by a real API process on the embedded default, in real Chromium.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type ApiProcess, freePort, launchChromium, startApi } from "api/test-support";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";

let api: ApiProcess;
let browser: Browser;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "parley-web-"));
chmodSync(dataDir, 0o755);

beforeAll(async () => {
  const env = { DATABASE_URL: "", REDIS_URL: "", KAFKA_BROKERS: "", DATA_DIR: dataDir };
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
