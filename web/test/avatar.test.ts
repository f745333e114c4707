// A profile picture uploaded through the files capability, in real Chromium against a real API, persister,
// PostgreSQL, Redis and Kafka: Ann picks a PNG in her profile; it becomes her avatar (a 256 px WebP square)
// beside her messages, in the directory and on her card, for Ben too. Who may fetch it: whoever may see Ann
// in the directory (a guest who shares no channel with her may not), and only while it is her picture.
// Something that is not an image is refused and changes nothing. Screenshots go to .test-results/screens/.
import { type ApiProcess, screenshotWidths, testPng } from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { makePerson, openGeneral, ownerCookie, type Person, post, send, signIn } from "./support/people";
import { SCREENS, startWebStack, type WebStack } from "./support/web-stack";

let web: WebStack;
let api: ApiProcess;
let browser: Browser;
let contexts: BrowserContext[];
let ann: Person;
let ben: Person;
const cookies = { owner: "", guest: "" };

beforeAll(async () => {
  web = await startWebStack();
  ({ api, browser, contexts } = web);
  cookies.owner = await ownerCookie(api);
  ann = await makePerson(api, cookies.owner, "Ann");
  ben = await makePerson(api, cookies.owner, "Ben");
  // A guest who shares no channel with Ann (he leaves #general, where new accounts start): he may not see her.
  const made = await post(
    api,
    "/api/admin/users",
    { email: "gus@parley.test", displayName: "Gus", role: "guest" },
    cookies.owner,
  );
  expect(made.res.status).toBe(201);
  const link = (made.json as { setPassword: { link: string } }).setPassword.link;
  const token = new URLSearchParams(new URL(link).hash.slice(1)).get("token");
  const set = await post(api, "/api/auth/set-password", { token, password: "gus-password-456" });
  cookies.guest = (set.res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const mine = await fetch(`${api.url}/api/channels`, { headers: { cookie: cookies.guest } });
  for (const c of (await mine.json()).channels as { id: string }[])
    expect((await post(api, `/api/channels/${c.id}/leave`, {}, cookies.guest)).res.status).toBe(204);
}, 200_000);

afterAll(() => web?.close());

const shoot = (page: Page, name: string) => screenshotWidths(page, SCREENS, name);
/** The picture's natural width once it has loaded (0 while it has not, or when it failed). */
const loadedWidth = (img: ReturnType<Page["locator"]>) =>
  img.evaluate((el) => ((el as HTMLImageElement).complete ? (el as HTMLImageElement).naturalWidth : 0));
const fetchAs = (cookie: string, url: string) => fetch(`${api.url}${url}`, { headers: { cookie } });

it("Ann uploads a PNG as her picture; Ben sees it beside her messages, in the directory and on her card", async () => {
  const annPage = await signIn(browser, api, ann, { contexts });
  await annPage.getByRole("button", { name: "Your profile" }).click();
  const form = annPage.getByTestId("profile-form");

  // Not an image: refused, and nothing changes.
  await form.getByLabel("Upload a picture").setInputFiles({
    name: "notes.txt",
    mimeType: "image/png",
    buffer: Buffer.from("not a picture at all"),
  });
  await annPage.getByTestId("picture-error").filter({ hasText: "must be a PNG" }).waitFor();
  expect(await form.locator(".profile-preview img").count()).toBe(0);

  // A real PNG (800 × 600): the preview shows the stored square at once.
  const png = await testPng({ width: 800, height: 600, color: "#c0392b" });
  await form.getByLabel("Upload a picture").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: png });
  const preview = form.locator(".profile-preview img");
  await expect.poll(() => preview.getAttribute("src"), { timeout: 15_000 }).toMatch(/^\/api\/files\/avatars\//);
  await expect.poll(() => loadedWidth(preview)).toBe(256);
  const avatarUrl = (await preview.getAttribute("src")) as string;
  await shoot(annPage, "avatar-profile");
  // Saving the rest of the profile keeps the uploaded picture (the link field is not sent unchanged).
  await form.getByLabel("Status", { exact: true }).fill("Has a face now");
  await form.getByRole("button", { name: "Save profile" }).click();
  await annPage.getByRole("dialog").waitFor({ state: "detached" });
  await openGeneral(annPage);
  await send(annPage, "Look, a picture");

  // Ben: beside her message, in the directory and on her card — the same stored square.
  const benPage = await signIn(browser, api, ben, { contexts });
  await openGeneral(benPage);
  const beside = benPage.getByTestId("message").filter({ hasText: "Look, a picture" }).locator(".p-avatar img");
  await expect.poll(() => beside.getAttribute("src"), { timeout: 15_000 }).toBe(avatarUrl);
  await expect.poll(() => loadedWidth(beside)).toBe(256);
  await shoot(benPage, "avatar-in-messages");
  await benPage.getByRole("link", { name: "People" }).click();
  await benPage.getByLabel("Search people").fill("ann");
  const card = benPage.getByTestId("person-card").filter({ hasText: "Ann" });
  await expect.poll(() => card.locator(".p-avatar img").getAttribute("src"), { timeout: 15_000 }).toBe(avatarUrl);
  await expect.poll(() => loadedWidth(card.locator(".p-avatar img"))).toBe(256);
  await shoot(benPage, "avatar-in-directory");

  // Who may fetch it: members (a WebP, never sniffed as anything else); not a guest who may not see Ann;
  // nobody signed out.
  const asMember = await fetchAs(cookies.owner, avatarUrl);
  expect([
    asMember.status,
    asMember.headers.get("content-type"),
    asMember.headers.get("x-content-type-options"),
  ]).toEqual([200, "image/webp", "nosniff"]);
  expect((await fetchAs(cookies.guest, avatarUrl)).status).toBe(404);
  expect((await fetchAs("", avatarUrl)).status).toBe(401);

  // A new picture replaces it: the old one is no longer served; removing it leaves initials.
  await annPage.getByRole("button", { name: "Your profile" }).click();
  const blue = await testPng({ width: 300, height: 300, color: "#2f62c8" });
  await form.getByLabel("Upload a picture").setInputFiles({ name: "new.png", mimeType: "image/png", buffer: blue });
  await expect.poll(() => preview.getAttribute("src"), { timeout: 15_000 }).not.toBe(avatarUrl);
  expect((await fetchAs(cookies.owner, avatarUrl)).status).toBe(404);
  const second = (await preview.getAttribute("src")) as string;
  await form.getByRole("button", { name: "Remove picture" }).click();
  await expect.poll(() => preview.count(), { timeout: 15_000 }).toBe(0);
  expect((await fetchAs(cookies.owner, second)).status).toBe(404);
}, 120_000);
