// Two people chatting through the built web client in real Chromium, against a real API process with its
// persister, PostgreSQL, Redis and Kafka: live delivery, unread in the sidebar, history after a reload,
// and a dropped socket that resumes without losing or repeating a message.
import type { ApiProcess } from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { scrollAllBodies } from "./support/list";
import { makePerson, type Person, send, signIn as signInAs, ownerCookie as signInOwner } from "./support/people";
import { startWebStack, type WebStack } from "./support/web-stack";

let web: WebStack;
let api: ApiProcess;
let browser: Browser;
let contexts: BrowserContext[];
const OWNER = { email: "owner@parley.test", password: "owner-password-123" };
let BEE: Person;
let beeId = "";
let ownerCookie = "";
const http = (path: string, body: unknown, cookie = "") => web.http("POST", path, body, cookie);

beforeAll(async () => {
  // Room for the bulk send of the load-older test.
  web = await startWebStack({ SEND_RATE_PER_10S: "1000" });
  ({ api, browser, contexts } = web);
  // A second person, the way an admin makes one: the account, then its one-time set-password link.
  ownerCookie = await signInOwner(api);
  BEE = await makePerson(api, ownerCookie, "Bee");
  beeId = BEE.id;
}, 200_000);

afterAll(() => web?.close());

/** A signed-in tab whose sockets the test can see and cut (window.__blockWs points new ones nowhere). */
const signIn = (who: { email: string; password: string }) => signInAs(browser, api, who, { contexts });

const bodies = (page: Page) => page.getByTestId("message-body").allTextContents();

async function waitForBodies(page: Page, expected: string[]) {
  await expect.poll(() => bodies(page), { timeout: 15_000 }).toEqual(expected);
}

it("shows why a sign-in failed", async () => {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${api.url}/login`);
  await page.getByLabel("Email").fill(BEE.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => page.getByTestId("login-error").textContent()).toBe("Wrong email or password.");
});

it("two people chat live; unread, reload and a dropped socket lose and repeat nothing", async () => {
  const a = await signIn(OWNER);
  await a.getByTestId("channel-name").filter({ hasText: "general" }).waitFor();
  const b = await signIn(BEE);

  // Bee is in #general already (new accounts join the default channels) and opens it from the browse dialog.
  await b.getByRole("button", { name: "Browse channels" }).click();
  await b.getByTestId("join-general").click();
  await b.getByTestId("channel-name").filter({ hasText: "general" }).waitFor();

  // Live, both ways; Bee sees Admin typing first.
  await a.getByRole("textbox", { name: "Message", exact: true }).pressSequentially("hel");
  await b.getByTestId("typing").filter({ hasText: "Admin is typing…" }).waitFor();
  await send(a, "hello from A");
  await waitForBodies(b, ["hello from A"]);
  await send(b, "hi A, Bee here");
  await waitForBodies(a, ["hello from A", "hi A, Bee here"]);

  // Bee moves to a channel of their own; #general gets unread in Bee's sidebar, with a mention badge.
  await b.getByRole("button", { name: "Create channel" }).click();
  await b.getByLabel("Name").fill("bee-room");
  await b.getByRole("button", { name: "Create", exact: true }).click();
  await b.getByTestId("channel-name").filter({ hasText: "bee-room" }).waitFor();
  await send(a, "second");
  await send(a, `third, <@${beeId}> look`);
  const general = b.getByTestId("channel-general");
  await expect.poll(() => general.getAttribute("class"), { timeout: 15_000 }).toContain("unread");
  await expect.poll(() => general.getByTestId("unread-count").textContent(), { timeout: 15_000 }).toBe("2 unread");
  expect(await general.getByTestId("mention-badge").textContent()).toBe("1");

  // Opening it shows them and clears the unread; a reload shows the same history in order.
  await general.click();
  const all = ["hello from A", "hi A, Bee here", "second", "third, @Bee look"];
  await waitForBodies(b, all);
  await expect.poll(() => general.getAttribute("class")).not.toContain("unread");
  await b.reload();
  await waitForBodies(b, all);
  await expect.poll(() => b.getByTestId("channel-general").getAttribute("class")).not.toContain("unread");

  // Bee's socket drops and stays down while both write; on reconnect it resumes: nothing lost or doubled,
  // and Bee's pending message goes out once with its original clientId.
  await b.evaluate(() => {
    const w = window as unknown as { __sockets: WebSocket[]; __blockWs: boolean };
    w.__blockWs = true;
    for (const s of w.__sockets) s.close();
  });
  await b.getByTestId("connection").filter({ hasText: "offline" }).waitFor();
  await send(a, "while away 1");
  await send(a, "while away 2");
  await send(b, "queued by Bee");
  await b.getByTestId("pending-message").filter({ hasText: "queued by Bee" }).waitFor();
  await waitForBodies(a, [...all, "while away 1", "while away 2"]);
  await b.evaluate(() => {
    (window as unknown as { __blockWs: boolean }).__blockWs = false;
  });
  await b.getByTestId("connection").filter({ hasText: "online" }).waitFor({ timeout: 20_000 });
  const after = [...all, "while away 1", "while away 2", "queued by Bee"];
  await waitForBodies(b, after);
  await waitForBodies(a, after);
  expect(await b.getByTestId("pending-message").count()).toBe(0);
  const seqs = await b.getByTestId("message").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-seq"))));
  expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  expect(new Set(seqs).size).toBe(seqs.length);
  await b.screenshot({ path: "/tmp/parley-web-chat.png" });

  // A DM from Bee: it appears in Admin's sidebar as unread with a badge, and Bee shows as online there.
  await b.getByRole("button", { name: "New direct message" }).click();
  await b.getByRole("dialog").getByRole("button", { name: "Message" }).click();
  await b.getByTestId("channel-name").filter({ hasText: "Admin" }).waitFor();
  await send(b, "psst");
  const dm = a.getByTestId("channel-Bee");
  await expect.poll(() => dm.getAttribute("class"), { timeout: 15_000 }).toContain("unread");
  expect(await dm.getByTestId("mention-badge").textContent()).toBe("1");
  await expect.poll(() => dm.locator(".dot").getAttribute("class")).toContain("online");
  await a.screenshot({ path: "/tmp/parley-web-dm.png" });
}, 90_000);

it("loads older history with the button, in order", async () => {
  const a = await signIn(OWNER);
  await a.getByTestId("channel-name").filter({ hasText: "general" }).waitFor();
  const channelId = new URL(a.url()).pathname.split("/").at(-1) as string;
  const before = await bodies(a);
  // 60 more messages straight over a socket of this page's session, so the first page cannot hold them all.
  await a.evaluate(async (id) => {
    const ws = new WebSocket(`ws://${location.host}/ws`);
    let replies = 0;
    await new Promise<void>((resolve) => {
      ws.onmessage = (e) => {
        const frame = JSON.parse(String(e.data));
        if (frame.type === "hello") ws.send(JSON.stringify({ id: "resume", type: "resume", positions: {} }));
        if (frame.type === "reply" && frame.id === "resume")
          for (let i = 1; i <= 60; i++)
            ws.send(
              JSON.stringify({
                id: `s${i}`,
                type: "sendMessage",
                channelId: id,
                clientId: `bulk-${i}`,
                body: `bulk ${i}`,
              }),
            );
        if (frame.type === "reply" && frame.id.startsWith("s") && ++replies === 60) resolve();
      };
    });
    ws.close();
  }, channelId);
  const bulk = Array.from({ length: 60 }, (_, i) => `bulk ${i + 1}`);
  // The list is virtualized: the newest rows are in view, the rest are read by scrolling up.
  await expect.poll(async () => (await bodies(a)).slice(-3), { timeout: 15_000 }).toEqual(bulk.slice(-3));
  await a.reload();
  await expect.poll(async () => (await bodies(a)).slice(-3), { timeout: 15_000 }).toEqual(bulk.slice(-3));
  await a.getByRole("button", { name: "Load older messages" }).click();
  await expect.poll(() => scrollAllBodies(a), { timeout: 20_000 }).toEqual([...before, ...bulk]);
  expect(await a.getByRole("button", { name: "Load older messages" }).count()).toBe(0);

  // Admin edits one and deletes another from the message menu; the events come back and are applied.
  const msg = (text: string) => a.getByTestId("message").filter({ hasText: text });
  await msg("bulk 59").hover();
  await msg("bulk 59").getByRole("button", { name: "Edit" }).click();
  await a.getByLabel("Edit message").fill("bulk 59, edited");
  await a.getByLabel("Edit message").press("Enter");
  await msg("bulk 60").hover();
  await msg("bulk 60").getByRole("button", { name: "Delete" }).click();
  await a.getByRole("dialog", { name: "Delete message" }).getByRole("button", { name: "Delete" }).click();
  await msg("bulk 59, edited").filter({ hasText: "(edited)" }).waitFor({ timeout: 10_000 });
  await a.getByText("This message was deleted.").waitFor({ timeout: 10_000 });

  // Search finds one of them.
  await a.getByRole("button", { name: "Search messages" }).click();
  await a.getByLabel("Search for").fill("bulk 42");
  await a.getByLabel("Search for").press("Enter");
  await a.getByRole("dialog").getByText("bulk 42", { exact: true }).waitFor({ timeout: 10_000 });
});

it("a ban ends the session at once and shows its reason", async () => {
  const b = await signIn(BEE);
  const ban = await http(`/api/admin/users/${beeId}/ban`, { reason: "spamming #general" }, ownerCookie);
  expect(ban.res.status).toBe(200);
  await b.getByTestId("banned-reason").filter({ hasText: "spamming #general" }).waitFor({ timeout: 15_000 });
  await b.goto(`${api.url}/login`);
  await b.getByLabel("Email").fill(BEE.email);
  await b.getByLabel("Password").fill(BEE.password);
  await b.getByRole("button", { name: "Sign in" }).click();
  await expect
    .poll(() => b.getByTestId("login-error").textContent(), { timeout: 15_000 })
    .toContain("spamming #general");
});
