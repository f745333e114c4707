// What a page receives follows what it shows, in real Chromium with fake cameras: a tile that is not on
// screen (the call minimised to go back to the chat) has its consumer paused at the SFU, so its video stops
// arriving, and it comes back when the call is opened again; a tile's size picks the simulcast layer it
// asks for (call.setPreferredLayers), which the SFU then forwards. Judged on both sides: the SFU's own
// consumer state (call.getStats over the page's socket) and the page's RTCPeerConnection.getStats().
import path from "node:path";
import { requireWorker, SCREEN_WIDTHS, screenshotWidths } from "api/test-support";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { layerForHeight } from "../src/calls/media";
import {
  type CallTab,
  inboundByKind,
  joinFromChannel,
  receivedCamera,
  type SfuConsumer,
  sfuConsumers,
  waitCamerasPlaying,
} from "./call-page";
import { type CallPerson, callWorld } from "./support/call-world";
import { SCREENS } from "./support/web-stack";

/** A pause or a layer change is one request and one reply; the margin is for a 2-core machine at load 40. */
const SFU_FOLLOWS_MS = 20_000;
/** Switching layers waits for a keyframe of the new one and for the bitrate to allow it. */
const LAYER_ARRIVES_MS = 60_000;

describe.runIf(requireWorker(import.meta.filename))("received video follows the tiles", () => {
  const world = callWorld({
    label: "call-tiles",
    people: [
      ["ana", "Ana"],
      ["ben", "Ben"],
    ],
    channel: { name: "standup" },
  });
  const { people, tabs } = world;
  const tab = (who: CallPerson) => world.tab(who);
  const byName = (name: string) => tabs.find((t) => t.name === name) as CallTab;

  /** The SFU's consumer of Ben's camera on Ana's page, as the SFU sees it. */
  async function bensCamera(ana: Page, consumerId: string): Promise<SfuConsumer> {
    const found = (await sfuConsumers(ana)).find((c) => c.consumerId === consumerId);
    if (!found) throw new Error(`the SFU has no consumer ${consumerId} for Ana`);
    return found;
  }
  const bensTile = (ana: Page) =>
    ana.locator(`[data-testid=tile][data-source=camera][data-user-id="${people.ben.userId}"]`);

  /** Video bytes reaching the page over `ms`. */
  async function videoGrowth(page: Page, ms: number) {
    const before = (await inboundByKind(page)).video;
    await new Promise((r) => setTimeout(r, ms));
    return (await inboundByKind(page)).video - before;
  }
  /**
   * Video arrives on the page: polled in 1.5 s windows within the SFU's bound, not one window (a CPU-starved
   * sender or a layer switch waiting for its keyframe can leave a 2 s gap on a loaded machine; seen at load 8).
   */
  const videoArrives = (page: Page, message: string) =>
    expect.poll(() => videoGrowth(page, 1500), { timeout: SFU_FOLLOWS_MS, message }).toBeGreaterThan(0);

  test("a hidden tile's video is paused at the SFU and stops arriving; shown again, it resumes", async () => {
    const ana = await tab(people.ana);
    await joinFromChannel(ana, "header");
    const ben = await tab(people.ben);
    await joinFromChannel(ben, "banner");
    await waitCamerasPlaying(ana, [people.ben.userId]);
    await waitCamerasPlaying(ben, [people.ana.userId]);
    const consumerId = (await bensTile(ana.page).getAttribute("data-consumer-id")) ?? "";
    expect(consumerId).not.toBe("");
    expect((await bensCamera(ana.page, consumerId)).paused).toBe(false);
    await videoArrives(ana.page, "Ben's video arrives while his tile is shown");

    // Ana goes back to the chat: the call shrinks to a bar, no tile is on screen.
    await ana.page.getByRole("button", { name: "Back to chat" }).click();
    await ana.page.getByRole("button", { name: "Open call" }).waitFor();
    await expect
      .poll(async () => (await bensCamera(ana.page, consumerId)).paused, { timeout: SFU_FOLLOWS_MS })
      .toBe(true);
    // Packets already on their way may still land; after that the count stands still.
    await expect.poll(() => videoGrowth(ana.page, 1500), { timeout: SFU_FOLLOWS_MS }).toBe(0);
    expect(await videoGrowth(ana.page, 3000), "no video arrives for a hidden tile").toBe(0);
    expect((await inboundByKind(ana.page)).audio, "Ben is still heard").toBeGreaterThan(0);
    await screenshotWidths(ana.page, SCREENS, "call-minimised");
    // The bar hides none of the channel ("Ana started a call" lay under it at 390 px), wide or narrow.
    for (const size of SCREEN_WIDTHS) {
      await ana.page.setViewportSize(size);
      await expect
        .poll(() => rowsUnderCallBar(ana.page), { message: `rows under the bar at ${size.width} px` })
        .toEqual([]);
    }
    await ana.page.setViewportSize(SCREEN_WIDTHS[0]);

    // The call is opened again: the consumer is resumed and Ben's camera plays.
    await ana.page.getByRole("button", { name: "Open call" }).click();
    await expect
      .poll(async () => (await bensCamera(ana.page, consumerId)).paused, { timeout: SFU_FOLLOWS_MS })
      .toBe(false);
    await waitCamerasPlaying(ana, [people.ben.userId]);
    await videoArrives(ana.page, "Ben's video arrives again once the call is open");
  }, 600_000);

  test("a small tile asks for the lowest simulcast layer and gets it; a large one asks for the top", async () => {
    const [ana, ben] = [byName("Ana"), byName("Ben")];
    const consumerId = (await bensTile(ana.page).getAttribute("data-consumer-id")) ?? "";
    const captured = await ben.page.evaluate(
      (userId) =>
        (
          document.querySelector<HTMLVideoElement>(`[data-testid=tile][data-user-id="${userId}"] video`)
            ?.srcObject as MediaStream | null
        )
          ?.getVideoTracks()[0]
          ?.getSettings().width ?? 0,
      people.ben.userId,
    );
    expect(captured, "Ben's camera resolution").toBeGreaterThan(0);

    /** Ben's tile height on Ana's page, and the layer the SFU says Ana asked for and forwards. */
    async function layers() {
      const height = await bensTile(ana.page).evaluate((el) => el.clientHeight);
      const consumer = await bensCamera(ana.page, consumerId);
      return {
        height,
        preferred: consumer.preferredLayers?.spatialLayer,
        current: consumer.currentLayers?.spatialLayer,
      };
    }

    // Speaker view at laptop size: Ben's tile is the large one, which asks for full resolution.
    await ana.page.getByRole("button", { name: "Speaker view" }).click();
    await bensTile(ana.page).and(ana.page.locator(".stage-main *")).waitFor();
    const large = await layers();
    expect(layerForHeight(large.height), `a ${large.height} px tile is a large one`).toBe(2);
    await expect.poll(async () => (await layers()).preferred, { timeout: SFU_FOLLOWS_MS }).toBe(2);

    // Ana makes the window small (a phone on its side): the same tile is now a small one.
    await ana.page.setViewportSize({ width: 640, height: 360 });
    const small = await layers();
    expect(layerForHeight(small.height), `a ${small.height} px tile is a small one`).toBe(0);
    await expect.poll(async () => (await layers()).preferred, { timeout: SFU_FOLLOWS_MS }).toBe(0);
    await expect.poll(async () => (await layers()).current, { timeout: LAYER_ARRIVES_MS }).toBe(0);
    // What arrives is the quarter-size layer (Chromium may scale a loaded sender down further, never up).
    await expect
      .poll(async () => (await receivedCamera(ana.page, people.ben.userId)).frameWidth, {
        timeout: LAYER_ARRIVES_MS,
      })
      .toBeLessThanOrEqual(Math.ceil(captured / 4));
    const smallWidth = (await receivedCamera(ana.page, people.ben.userId)).frameWidth;
    await ana.page.screenshot({ path: path.join(SCREENS, "call-small-tile-640.png") });

    // Large again: the tile asks for the top layer, and the SFU forwards a larger one than before.
    await ana.page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(async () => (await layers()).preferred, { timeout: SFU_FOLLOWS_MS }).toBe(2);
    await expect.poll(async () => (await layers()).current ?? 0, { timeout: LAYER_ARRIVES_MS }).toBeGreaterThan(0);
    await expect
      .poll(async () => (await receivedCamera(ana.page, people.ben.userId)).frameWidth, {
        timeout: LAYER_ARRIVES_MS,
      })
      .toBeGreaterThan(smallWidth);
    console.log(
      `Ben captures ${captured} px wide; Ana received ${smallWidth} px for the ${small.height} px tile and ${(await receivedCamera(ana.page, people.ben.userId)).frameWidth} px for the ${large.height} px one (layer ${(await layers()).current})`,
    );
  }, 300_000);
});

/** The text of the message list's rows that the minimised call's bar lies over (on the page's screen). */
function rowsUnderCallBar(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bar = document.querySelector(".call-mini")?.getBoundingClientRect();
    if (!bar) throw new Error("no call bar");
    return [...document.querySelectorAll<HTMLElement>('[data-testid="message-scroller"] li.msg-row')]
      .filter((row) => {
        const r = row.getBoundingClientRect();
        return r.height > 0 && r.top < bar.bottom && r.bottom > bar.top && r.left < bar.right && r.right > bar.left;
      })
      .map((row) => row.textContent?.trim() ?? "");
  });
}
