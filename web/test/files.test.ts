// Files in the web client, in real Chromium against a real API process (PostgreSQL, Redis, Kafka): one
// person drops an image on the composer (its progress bar shows while it uploads), the other pastes a
// screenshot; each sees the other's image live as a preview, opens it in the lightbox, and downloads a
// file from its card. Screenshots at 1280 and 390 px.
import { screenshotWidths, testPng } from "api/test-support";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { ownerAndBee } from "./support/owner-and-bee";
import { composer } from "./support/people";
import { SCREENS } from "./support/web-stack";

const world = ownerAndBee();

const image = (color: string, width: number, height: number) => testPng({ width, height, color });

/** Puts a File made of `bytes` into a DataTransfer in the page and fires `events` with it at `selector`. */
async function fireWithFile(page: Page, selector: string, events: string[], name: string, bytes: Buffer, type: string) {
  await page.evaluate(
    ({ selector, events, name, base64, type }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      const target = document.querySelector(selector) as HTMLElement;
      for (const kind of events) {
        const event =
          kind === "paste"
            ? new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true })
            : new DragEvent(kind, { dataTransfer: transfer, bubbles: true, cancelable: true });
        target.dispatchEvent(event);
      }
    },
    { selector, events, name, base64: bytes.toString("base64"), type },
  );
}

/** Every image preview on the page has loaded (decoded, so it shows). */
const previewsLoaded = (page: Page) =>
  page.getByTestId("image-preview").evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0));

it("drop and paste images: a progress bar while uploading, previews live for the other, lightbox, download", async () => {
  const a = await world.desk("owner");
  const b = await world.desk("bee");

  // Slow A's uploads down so the progress bar is there to see (Chromium throttles request bodies too).
  const cdp = await a.context().newCDPSession(a);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 20,
    downloadThroughput: -1,
    uploadThroughput: 256 * 1024,
  });
  const dropped = await image("#2f62c8", 1600, 1000);
  // Noise does not compress: a PNG of a few MB, whose upload takes a moment at that rate.
  const big = await testPng({ width: 1600, height: 1000, noise: true });
  await fireWithFile(a, "form.composer", ["dragenter", "dragover", "drop"], "harbour.png", big, "image/png");
  const progress = a.locator("progress.upload-progress");
  await progress.waitFor();
  await expect.poll(async () => Number(await progress.getAttribute("value")), { timeout: 20_000 }).toBeGreaterThan(0);
  await screenshotWidths(a, SCREENS, "files-upload-progress");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  await progress.waitFor({ state: "detached", timeout: 60_000 });
  // A second, small one dropped too: several files go with one message.
  await fireWithFile(a, "form.composer", ["dragover", "drop"], "sketch.png", dropped, "image/png");
  await expect.poll(() => a.getByTestId("upload").count()).toBe(2);
  await a.locator("progress.upload-progress").waitFor({ state: "detached", timeout: 30_000 });
  await composer(a).fill("the harbour, and a sketch");
  await composer(a).press("Enter");

  // Bee sees both previews live, loaded through the permission-checked thumbnail URLs.
  await expect.poll(() => previewsLoaded(b), { timeout: 20_000 }).toEqual([true, true]);

  // Bee pastes a screenshot and sends it with no text.
  const screenshot = await image("#d8344f", 900, 600);
  await fireWithFile(b, "textarea[id^='composer-']", ["paste"], "", screenshot, "image/png");
  await b.getByTestId("upload").waitFor();
  await b.locator("progress.upload-progress").waitFor({ state: "detached", timeout: 30_000 });
  await b.getByRole("button", { name: "Send" }).click();
  await expect.poll(() => previewsLoaded(a), { timeout: 20_000 }).toEqual([true, true, true]);
  await expect.poll(() => previewsLoaded(b), { timeout: 20_000 }).toEqual([true, true, true]);
  await screenshotWidths(b, SCREENS, "files-previews");

  // The lightbox shows the large preview; Escape closes it.
  await a.getByTestId("image-preview").first().click();
  const box = a.getByTestId("lightbox");
  await box.waitFor();
  await expect
    .poll(() => box.locator("img").evaluate((i) => (i as HTMLImageElement).naturalWidth), { timeout: 15_000 })
    .toBe(1600);
  await screenshotWidths(a, SCREENS, "files-lightbox");
  await a.keyboard.press("Escape");
  await box.waitFor({ state: "detached" });

  // A file picked with the attach button: a card for Bee, and its download is the same bytes.
  const notes = Buffer.from("Minutes of the harbour meeting.\n");
  await a.getByTestId("file-input").setInputFiles({ name: "minutes.txt", mimeType: "text/plain", buffer: notes });
  await a.locator("progress.upload-progress").waitFor({ state: "detached", timeout: 30_000 });
  await a.getByTestId("upload").filter({ hasText: "minutes.txt" }).waitFor();
  await a.getByRole("button", { name: "Send" }).click();
  const card = b.getByTestId("file-card").filter({ hasText: "minutes.txt" });
  await card.waitFor({ timeout: 20_000 });
  await expect.poll(() => card.textContent()).toContain("32 B · TXT");
  const [download] = await Promise.all([b.waitForEvent("download"), card.click()]);
  expect(download.suggestedFilename()).toBe("minutes.txt");
  const saved = await download.path();
  const { readFile } = await import("node:fs/promises");
  expect((await readFile(saved)).equals(notes)).toBe(true);
  await screenshotWidths(b, SCREENS, "files-card");
}, 240_000);
