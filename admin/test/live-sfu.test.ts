// The live view's SFU table against a real SFU: a real mediasoup worker process (sfu/), the API pointed at
// it, and three real WebRTC peers in Node in one call through the chat socket (api/test/support/call-member,
// as the API's call tests do). The admin's live page shows that SFU up, with its workers, the one call, its
// three participants and their consumers; when the peers leave, the counts go back to nothing.
// Screenshots: admin/.test-results/screens/live-sfu-*.
import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  type ApiProcess,
  type CallMember,
  createChannel,
  createTestStack,
  createUser,
  joinCall,
  launchChromium,
  leaveAll,
  requireWorker,
  type SfuProcess,
  screenshotWidths,
  sessionToken,
  startApi,
  startSfu,
  type TestStack,
} from "api/test-support";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SCREENS = path.join(import.meta.dirname, "..", ".test-results", "screens");
const OWNER = { email: "owner@parley.test", password: "owner-password-123" };
const WORKERS = 2;
/** Peers' media setup and the ops samples on a loaded, shared machine. */
const LOADED_MS = 60_000;

describe.runIf(requireWorker(import.meta.filename))("the live view's SFU table", () => {
  let stack: TestStack;
  let sfu: SfuProcess;
  let api: ApiProcess;
  let browser: Browser;
  const members: CallMember[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    stack = await createTestStack({ redis: true, kafka: true });
    [sfu, browser] = await Promise.all([startSfu({ SFU_WORKERS: String(WORKERS) }), launchChromium()]);
    api = await startApi({ ...stack.env, SFU_URLS: sfu.url, SFU_SECRET: sfu.secret });
  }, 200_000);

  afterAll(async () => {
    leaveAll(members);
    await browser?.close();
    await api?.stop();
    await sfu?.stop();
    await stack?.cleanup();
  });

  /** The SFU row's cells: name, workers, calls, participants, consumers. */
  const sfuRow = async (page: Page) =>
    (await page.getByTestId("ops-sfu").first().locator("td").allTextContents()).map((t) => t.trim());

  it("shows the SFU with its workers, the call, its participants and their consumers", async () => {
    const { db } = await stack.open();
    const people = await Promise.all(["alice", "bob", "carol"].map((name) => createUser(db, { name })));
    const channel = await createChannel(
      db,
      people.map((p) => p.id),
    );

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${api.url}/admin/`);
    await page.waitForURL(/\/admin\/login$/);
    await page.locator('input[name="email"]').fill(OWNER.email);
    await page.locator('input[name="password"]').fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("me").waitFor();
    await page.getByRole("link", { name: "Live operations" }).click();
    const row = page.getByTestId("ops-sfu");
    await expect
      .poll(() => sfuRow(page), { timeout: LOADED_MS })
      .toEqual([expect.any(String), String(WORKERS), "0", "0", "0"]);
    expect(await row.count()).toBe(1);
    expect((await row.first().getAttribute("class")) ?? "").not.toContain("down");

    // Three people in one call: everyone sends audio, alice video too. Each receives the others' tracks:
    // alice 2, bob 3, carol 3 — eight consumers.
    for (const [i, person] of people.entries()) {
      const token = await sessionToken(db, person.id);
      members.push(
        await joinCall(api.url, token, person.displayName, channel.id, i === 0 ? "call.start" : "call.join"),
      );
    }
    for (const m of members) await m.peer.produceAudio();
    await members[0]?.peer.produceVideo();
    await expect
      .poll(() => sfuRow(page), { timeout: LOADED_MS })
      .toEqual([expect.any(String), String(WORKERS), "1", "3", "8"]);
    await screenshotWidths(page, SCREENS, "live-sfu-call");

    // They leave: the table goes back to an idle SFU.
    leaveAll(members);
    await expect
      .poll(() => sfuRow(page), { timeout: LOADED_MS })
      .toEqual([expect.any(String), String(WORKERS), "0", "0", "0"]);
    await page.close();
  });
});
