// Restartable uploads in real Chromium against a real API process: a 32 MB upload stalls part way and its
// connection drops (a TCP relay between browser and API cuts every connection); the composer says so and
// restarts the upload by itself (the server keeps nothing of a cut upload, so the whole file goes again);
// the message is sent, the download is byte-identical, and the cut attempt left no file behind.
// Screenshots at 1280/390 px. Restartable, not resumable: there is no upload session to continue from an offset.

import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type ApiProcess,
  createTestStack,
  launchChromium,
  screenshotWidths,
  startApi,
  type TestStack,
} from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it, onTestFinished } from "vitest";

const SCREENS = path.join(import.meta.dirname, "..", ".test-results", "screens");
let stack: TestStack;
let api: ApiProcess;
let browser: Browser;
let services: Awaited<ReturnType<TestStack["open"]>>;
// Chromium talks to the API through this TCP relay, which can drop every open connection at once: a cut
// mid-upload, as a flaky network does it (DevTools' offline mode spares requests already under way).
let relay: net.Server;
let relayUrl = "";
const relayed = new Set<net.Socket>();
/** While set, the relay stops reading what the browser sends: an upload stalls part way. */
let hold = false;
const dropConnections = () => {
  for (const s of relayed) s.destroy();
  relayed.clear();
};
const contexts: BrowserContext[] = [];
const OWNER = { email: "owner@parley.test", password: "owner-password-123" };
const BEE = { email: "bee@parley.test", password: "bee-password-456", name: "Bee" };

async function http(path: string, body: unknown, cookie = "") {
  const res = await fetch(`${relayUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: relayUrl, cookie },
    body: JSON.stringify(body),
  });
  return { res, json: (await res.json().catch(() => null)) as unknown };
}

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  relay = net.createServer((client) => {
    const upstream = net.connect(api.port, "127.0.0.1");
    for (const s of [client, upstream]) {
      relayed.add(s);
      s.on("error", () => {});
      s.on("close", () => {
        relayed.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk) => {
      if (!upstream.write(chunk) || hold) client.pause();
    });
    upstream.on("drain", () => !hold && client.resume());
    upstream.pipe(client);
  });
  await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
  relayUrl = `http://127.0.0.1:${(relay.address() as net.AddressInfo).port}`;
  // The app's origin is the relay's: sign-in, the socket and uploads all go through it.
  api = await startApi({ ...stack.env, PUBLIC_ORIGIN: relayUrl });

  browser = await launchChromium();
  const login = await http("/api/auth/login", OWNER);
  const ownerCookie = (login.res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const made = await http("/api/admin/users", { email: BEE.email, displayName: BEE.name }, ownerCookie);
  expect(made.res.status).toBe(201);
  const { setPassword } = made.json as { setPassword: { link: string } };
  const token = new URLSearchParams(new URL(setPassword.link).hash.slice(1)).get("token");
  expect((await http("/api/auth/set-password", { token, password: BEE.password })).res.status).toBe(200);
}, 200_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  relay?.close();
  await api?.stop();
  await stack?.cleanup();
});

async function signIn(who: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${relayUrl}/login`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("connection").filter({ hasText: "online" }).waitFor();
  await page.getByTestId("channel-general").click();
  await page.getByRole("textbox", { name: "Message", exact: true }).waitFor();
  return page;
}

const sha256 = (b: Buffer | Uint8Array) => createHash("sha256").update(b).digest("hex");

it("an upload cut off by a dropped connection restarts by itself and arrives byte-identical", async () => {
  const page = await signIn(BEE);
  hold = true;
  const bytes = randomBytes(32 * 1024 * 1024);
  // Handed to Chromium as a file on disk: a 32 MB buffer would be pushed through DevTools, which alone
  // can take longer than Playwright's action timeout on a loaded machine.
  const dir = mkdtempSync(path.join(tmpdir(), "parley-upload-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "survey.bin");
  writeFileSync(file, bytes);
  await page.getByTestId("file-input").setInputFiles(file);
  const progress = page.locator("progress.upload-progress");
  await progress.waitFor();
  await expect.poll(async () => Number(await progress.getAttribute("value")), { timeout: 30_000 }).toBeGreaterThan(0);

  // The connection drops mid-upload. Chromium itself resends a request cut on a reused keep-alive
  // connection, once, on a fresh one: cut that one too (still held), so the page sees the drop.
  dropConnections();
  await new Promise((r) => setTimeout(r, 700));
  dropConnections();
  hold = false;
  const upload = page.getByTestId("upload").filter({ hasText: "survey.bin" });
  await upload.filter({ hasText: /connection lost, restarted \(\d\)/ }).waitFor({ timeout: 20_000 });
  await screenshotWidths(page, SCREENS, "upload-restarted");
  await progress.waitFor({ state: "detached", timeout: 60_000 });
  const box = page.getByRole("textbox", { name: "Message", exact: true });
  await box.fill("the survey, despite the wifi");
  await box.press("Enter");
  const card = page.getByTestId("message").filter({ hasText: "despite the wifi" }).getByTestId("file-card");
  await card.waitFor({ timeout: 20_000 });

  const href = (await card.getAttribute("href")) ?? "";
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const res = await fetch(`${api.url}${href}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(bytes));
  // The cut attempt left nothing: one file row, the sent one (none pending, none half-written).
  const rows = await services.db.file.findMany({
    select: { name: true, size: true, messageId: true, deletedAt: true },
  });
  expect(rows).toEqual([{ name: "survey.bin", size: bytes.length, messageId: expect.any(String), deletedAt: null }]);
}, 240_000);
