// Calls in real Chromium when the network is not kind: the SFU with UDP switched off (a firewall that lets
// only TCP through), so media must go over ICE-TCP; and the API node of one participant killed with -9,
// which the others must see as that person leaving. Two API nodes share one SFU; Ana and Ben are on the
// first, Cy on the second. Media is judged by each page's own RTCPeerConnection.getStats().
import path from "node:path";
import { type ApiProcess, requireWorker } from "api/test-support";
import { describe, expect, test } from "vitest";
import {
  type CallTab,
  inboundBytes,
  joinFromChannel,
  MEDIA_FLOWS_MS,
  tilesGoneAt,
  transportProtocols,
  waitCamerasPlaying,
  waitMediaArriving,
  watchTilesGone,
} from "./call-page";
import { type CallPerson, callWorld } from "./support/call-world";
import { SCREENS } from "./support/web-stack";

/**
 * The SFU drops an API node that answers no ping for SFU_LINK_TIMEOUT_MS, checked every quarter of it
 * (sfu/src/link.ts), and with it that node's participants: api/PROTOCOL.md ("Your API node dies") and
 * web/README promise the others see them leave within that. A killed process's TCP connections are reset by
 * the kernel, so it is normally at once; the bound is the worst case for this test's SFU setting (8 s, from
 * sfu/test/support/sfu-process.ts) plus 10 s for a renderer stalled on a 2-core machine at load 40.
 */
const LINK_TIMEOUT_MS = 8000;
const NODE_DEATH_PROMISE_MS = LINK_TIMEOUT_MS + LINK_TIMEOUT_MS / 4;
const NODE_DEATH_SHOWN_MS = NODE_DEATH_PROMISE_MS + 10_000;

describe.runIf(requireWorker(import.meta.filename))("calls over TCP only, and a participant's API node killed", () => {
  const world = callWorld({
    label: "call-network",
    people: [
      ["ana", "Ana"],
      ["ben", "Ben"],
      ["cy", "Cy"],
    ],
    channel: { name: "field-trip" },
    sfuEnv: { SFU_ENABLE_UDP: "false", SFU_LINK_TIMEOUT_MS: String(LINK_TIMEOUT_MS) },
    // Two nodes share their work through Redis and Kafka, as in production. One persister (the first
    // node's) serves both: the second node is a plain API node, as in production.
    kafka: true,
    nodes: [{ NODE_ID: "api-1" }, { NODE_ID: "api-2", PERSISTER: "off" }],
  });
  const { people, tabs } = world;
  const tab = (who: CallPerson, node: ApiProcess) => world.tab(who, { node });
  const byName = (name: string) => tabs.find((t) => t.name === name) as CallTab;

  test("with the SFU's UDP off, three pages send and receive audio and video over ICE-TCP", async () => {
    const [first, second] = world.nodes as [ApiProcess, ApiProcess];
    const ana = await tab(people.ana, first);
    await joinFromChannel(ana, "header");
    const ben = await tab(people.ben, first);
    await joinFromChannel(ben, "banner");
    const cy = await tab(people.cy, second);
    await joinFromChannel(cy, "banner");
    const trio = [ana, ben, cy];
    for (const t of trio) {
      const others = trio.filter((o) => o !== t).map((o) => o.userId);
      await waitCamerasPlaying(t, others);
      await waitMediaArriving(t, others);
    }

    // Every transport (one to send, one to receive, per page) has selected a candidate pair, and it is TCP.
    // ICE may select later than media first plays on a loaded machine, so the selection is polled for; the
    // protocols asserted are the ones that poll saw, not a second read that could race a state change.
    for (const t of trio) {
      let protocols: (string | null)[] = [];
      await expect
        .poll(
          async () => {
            protocols = await transportProtocols(t.page);
            return protocols.length >= 2 && protocols.every((p) => p !== null);
          },
          { message: `${t.name} has a selected ICE pair on its send and receive transports`, timeout: MEDIA_FLOWS_MS },
        )
        .toBe(true);
      console.log(`${t.name}: selected candidate pairs ${protocols.join(", ")}`);
      expect(new Set(protocols), `${t.name} uses TCP only`).toEqual(new Set(["tcp"]));
    }

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
    await ana.page.screenshot({ path: path.join(SCREENS, "call-tcp-only-1280.png") });
  }, 600_000);

  test("kill -9 of Cy's API node: Ana and Ben see Cy leave within the link timeout", async () => {
    const [ana, ben, cy] = [byName("Ana"), byName("Ben"), byName("Cy")];
    for (const t of [ana, ben]) await watchTilesGone(t.page, people.cy.userId);
    const killedAt = Date.now();
    await (world.nodes[1] as ApiProcess).kill9();
    for (const t of [ana, ben]) {
      const goneAt = await tilesGoneAt(t.page, people.cy.userId, NODE_DEATH_SHOWN_MS + 5000);
      console.log(
        `${t.name}: Cy's tiles gone ${goneAt - killedAt} ms after kill -9 of Cy's API node (promise ${NODE_DEATH_PROMISE_MS} ms, bound here ${NODE_DEATH_SHOWN_MS} ms)`,
      );
      expect(goneAt - killedAt).toBeLessThanOrEqual(NODE_DEATH_SHOWN_MS);
      await t.page.getByTestId("call-count").filter({ hasText: "2 in the call" }).waitFor();
    }
    // Cy's own page lost its node: it says it is reconnecting, it does not pretend to be in the call.
    await cy.page.getByTestId("connection").filter({ hasNotText: "online" }).waitFor({ timeout: 30_000 });
    await cy.page.screenshot({ path: path.join(SCREENS, "call-node-killed-Cy-1280.png") });

    // Ana and Ben's call goes on: each still receives the other's audio and video.
    const before = await Promise.all([ana, ben].map((t) => inboundBytes(t.page)));
    await new Promise((r) => setTimeout(r, 3000));
    const after = await Promise.all([ana, ben].map((t) => inboundBytes(t.page)));
    [ana, ben].forEach((t, i) => {
      const other = t === ana ? ben : ana;
      for (const kind of ["audio", "video"]) {
        const key = `${other.userId}:${kind}`;
        expect(after[i]?.[key] ?? 0, `${t.name}: ${other.name}'s ${kind} grows`).toBeGreaterThan(before[i]?.[key] ?? 0);
      }
    });
    await ana.page.screenshot({ path: path.join(SCREENS, "call-node-killed-Ana-1280.png") });
  }, 300_000);
});
