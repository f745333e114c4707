// A channel's Files tab in real Chromium against a real API process (PostgreSQL, Redis, Kafka): two people
// share files through the composer; the other opens the channel's Files tab from the header and sees every
// file with its thumbnail or icon, size, type, uploader and date, searches by name (a `%` is a letter, not
// a wildcard), opens an image in the lightbox and downloads a file byte-identical. Screenshots at 1280 and
// 390 px (on a phone, through the channel title, as the header's buttons fold away there).
import { readFile } from "node:fs/promises";
import { screenshotWidths, testPng } from "api/test-support";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { ownerAndBee } from "./support/owner-and-bee";
import { composer } from "./support/people";
import { SCREENS } from "./support/web-stack";

const world = ownerAndBee();

type Picked = { name: string; mimeType: string; buffer: Buffer };

/** Picks `files` with the composer's attach button, waits for their uploads, and sends them with `text`. */
async function share(page: Page, files: Picked[], text: string) {
  await page.getByTestId("file-input").setInputFiles(files);
  await expect.poll(() => page.getByTestId("upload").count()).toBe(files.length);
  await page.locator("progress.upload-progress").first().waitFor({ state: "detached", timeout: 30_000 });
  const box = composer(page);
  await box.fill(text);
  await box.press("Enter");
  await page.getByTestId("message").filter({ hasText: text }).waitFor({ timeout: 20_000 });
}

const rowNames = (page: Page) => page.getByTestId("channel-file").locator(".file-name").allTextContents();

it("the Files tab lists a channel's files with their details, finds them by name, opens and downloads them", async () => {
  const owner = await world.desk("owner");
  const bee = await world.desk("bee");
  const minutes = Buffer.from("Minutes of the harbour meeting.\n");
  await share(
    owner,
    [
      { name: "harbour-plan.png", mimeType: "image/png", buffer: await testPng({ width: 800, height: 500 }) },
      { name: "minutes.txt", mimeType: "text/plain", buffer: minutes },
    ],
    "plan and minutes",
  );
  await share(
    bee,
    [
      { name: "budget 100%.csv", mimeType: "text/csv", buffer: Buffer.from("item,cost\nrope,12\n") },
      {
        name: "lighthouse.png",
        mimeType: "image/png",
        buffer: await testPng({ width: 600, height: 900, color: "#d8344f" }),
      },
    ],
    "budget and a photo",
  );

  await bee.getByTestId("files-button").click();
  const tab = bee.getByTestId("channel-files");
  await tab.waitFor();
  // Newest first: Bee's two, then the owner's two (one message's files share a time; both orders are fine).
  await expect.poll(() => bee.getByTestId("channel-file").count(), { timeout: 15_000 }).toBe(4);
  const names = await rowNames(bee);
  expect(new Set(names.slice(0, 2))).toEqual(new Set(["budget 100%.csv", "lighthouse.png"]));
  expect(new Set(names.slice(2))).toEqual(new Set(["harbour-plan.png", "minutes.txt"]));
  const minutesRow = bee.getByTestId("channel-file").filter({ hasText: "minutes.txt" });
  const meta = (await minutesRow.locator(".files-meta").textContent()) ?? "";
  expect(meta).toContain("32 B · TXT · ");
  expect(meta).toContain(new Date().getFullYear().toString());
  // The uploader by name (the workspace owner's display name, whatever it is, not Bee's).
  expect(meta).not.toContain("Bee");
  expect(await bee.getByTestId("channel-file").filter({ hasText: "lighthouse.png" }).textContent()).toContain("Bee");
  // Images show their thumbnail, loaded through the permission-checked URL.
  await expect
    .poll(
      () =>
        tab
          .locator(".files-thumb img")
          .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0)),
      { timeout: 15_000 },
    )
    .toEqual([true, true]);
  await screenshotWidths(bee, SCREENS, "channel-files");

  // Search by name: part of a name, any case; `%` matches itself only; nothing found says so.
  const search = bee.getByRole("searchbox", { name: "Search files by name" });
  await search.fill("HARBOUR");
  await expect.poll(() => rowNames(bee)).toEqual(["harbour-plan.png"]);
  await search.fill("100%");
  await expect.poll(() => rowNames(bee)).toEqual(["budget 100%.csv"]);
  await search.fill("%");
  await expect.poll(() => rowNames(bee)).toEqual(["budget 100%.csv"]);
  await search.fill("kraken");
  await bee.getByTestId("files-empty").filter({ hasText: "kraken" }).waitFor();
  expect(await bee.getByTestId("channel-file").count()).toBe(0);
  await screenshotWidths(bee, SCREENS, "channel-files-none");
  await search.fill("min");
  await expect.poll(() => rowNames(bee)).toEqual(["minutes.txt"]);

  // The download link gives the same bytes under the file's name.
  const [download] = await Promise.all([
    bee.waitForEvent("download"),
    bee.getByRole("link", { name: "Download minutes.txt" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("minutes.txt");
  expect((await readFile(await download.path())).equals(minutes)).toBe(true);

  // An image's thumbnail opens the lightbox with the large preview.
  await search.fill("light");
  await expect.poll(() => rowNames(bee)).toEqual(["lighthouse.png"]);
  await tab.getByRole("button", { name: "Open lighthouse.png" }).click();
  const box = bee.getByTestId("lightbox");
  await box.waitFor();
  await expect
    .poll(() => box.locator("img").evaluate((i) => (i as HTMLImageElement).naturalHeight), { timeout: 15_000 })
    .toBeGreaterThan(0);
  await bee.keyboard.press("Escape");
  await box.waitFor({ state: "detached" });

  // On a phone the header's buttons fold away: the channel's title opens its details, Files is a tab there.
  await bee.keyboard.press("Escape");
  await tab.waitFor({ state: "detached" });
  await owner.setViewportSize({ width: 390, height: 844 });
  await owner.getByRole("button", { name: /Channel details/ }).click();
  await owner.getByRole("tab", { name: "Files" }).click();
  await expect.poll(() => owner.getByTestId("channel-file").count(), { timeout: 15_000 }).toBe(4);
}, 240_000);
