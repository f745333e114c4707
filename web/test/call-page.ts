// A signed-in tab for the call tests, in real Chromium with fake camera and microphone: the page's
// RTCPeerConnections and chat sockets are kept where the test can read them (getStats) or cut them.
import { SESSION_COOKIE } from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";

export const FAKE_MEDIA_FLAGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"];

/** Runs in the page before its scripts: remembers every peer connection and socket it makes. */
function instrument() {
  const w = window as unknown as { __pcs: RTCPeerConnection[]; __sockets: WebSocket[] };
  w.__pcs = [];
  w.__sockets = [];
  (w as unknown as { __sentAt: Record<string, number> }).__sentAt = {};
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePc {
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__pcs.push(this);
    }
  } as typeof RTCPeerConnection;
  const NativeWs = window.WebSocket;
  window.WebSocket = class extends NativeWs {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      w.__sockets.push(this);
    }
    // When each request type last left the page (page clock), e.g. window.__sentAt["call.leave"].
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      const type = typeof data === "string" ? /"type":"([^"]+)"/.exec(data)?.[1] : undefined;
      if (type) (w as unknown as { __sentAt: Record<string, number> }).__sentAt[type] = Date.now();
      super.send(data);
    }
  } as typeof WebSocket;
}

export type CallTab = { page: Page; context: BrowserContext; name: string; userId: string };

export async function openTab(
  browser: Browser,
  apiUrl: string,
  who: { name: string; userId: string; token: string },
  path: string,
): Promise<CallTab> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies([{ name: SESSION_COOKIE, value: who.token, url: apiUrl }]);
  await context.addInitScript(instrument);
  const page = await context.newPage();
  // What goes wrong in the page is printed with the test's output.
  page.on("pageerror", (e) => console.error(`[${who.name}] page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") console.error(`[${who.name}] ${m.type()}: ${m.text()}`);
  });
  await page.goto(`${apiUrl}${path}`);
  await page.getByTestId("connection").filter({ hasText: "online" }).waitFor();
  return { page, context, name: who.name, userId: who.userId };
}

/**
 * RTP bytes this page has received, per sender and stream (`<userId>:audio`, `:video`, `:screen`): the
 * inbound-rtp stats of every open peer connection, matched to senders through the tracks the page shows
 * (tile videos and remote audio elements carry the sender's user id).
 */
export async function inboundBytes(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const owners = new Map<string, string>();
    for (const el of document.querySelectorAll<HTMLMediaElement>("[data-testid=tile] video, audio[data-user-id]")) {
      const tile = el.closest<HTMLElement>("[data-testid=tile]");
      const userId = tile?.dataset.userId ?? el.dataset.userId ?? "";
      const stream = tile?.dataset.source === "screen" ? "screen" : el instanceof HTMLAudioElement ? "audio" : "video";
      for (const track of (el.srcObject as MediaStream | null)?.getTracks() ?? [])
        owners.set(track.id, `${userId}:${stream}`);
    }
    const totals: Record<string, number> = {};
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    for (const pc of pcs) {
      if (pc.connectionState === "closed") continue;
      const report = await pc.getStats();
      report.forEach((s: { type: string; trackIdentifier?: string; bytesReceived?: number }) => {
        const key = s.type === "inbound-rtp" ? owners.get(s.trackIdentifier ?? "") : undefined;
        if (key) totals[key] = (totals[key] ?? 0) + (s.bytesReceived ?? 0);
      });
    }
    return totals;
  });
}

/**
 * All RTP bytes this page has received, per kind, whoever sent them. Not counted: the SFU's bandwidth probe,
 * a padding-only stream mediasoup sends on its own (mid "probator") whether or not anything is forwarded.
 */
export async function inboundByKind(page: Page): Promise<{ audio: number; video: number }> {
  return page.evaluate(async () => {
    const totals = { audio: 0, video: 0 };
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((s: { type: string; kind?: string; mid?: string; bytesReceived?: number }) => {
        if (s.type === "inbound-rtp" && s.mid !== "probator" && (s.kind === "audio" || s.kind === "video"))
          totals[s.kind] += s.bytesReceived ?? 0;
      });
    }
    return totals;
  });
}

/**
 * Per open peer connection, the protocol ("udp" or "tcp") of the remote candidate of the ICE pair its transport
 * has selected, or null while ICE has selected none yet. Read from the transport's selectedCandidatePairId, not
 * from connectionState, so a transport that a loaded machine briefly marks "disconnected" still reports its pair.
 */
export async function transportProtocols(page: Page): Promise<(string | null)[]> {
  return page.evaluate(async () => {
    const found: (string | null)[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === "closed") continue;
      const report = await pc.getStats();
      const byId = new Map<string, { type: string; protocol?: string; remoteCandidateId?: string }>();
      let selectedPairId: string | undefined;
      report.forEach((s: { id: string; type: string; selectedCandidatePairId?: string }) => {
        byId.set(s.id, s);
        if (s.type === "transport" && s.selectedCandidatePairId) selectedPairId = s.selectedCandidatePairId;
      });
      const pair = selectedPairId ? byId.get(selectedPairId) : undefined;
      found.push(byId.get(pair?.remoteCandidateId ?? "")?.protocol ?? null);
    }
    return found;
  });
}

/** Camera tiles on the page whose video is playing (frames decoded), by user id. */
export async function playingCameras(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("[data-testid=tile][data-source=camera]")]
      .filter((t) => (t.querySelector("video")?.videoWidth ?? 0) > 0)
      .map((t) => t.dataset.userId ?? ""),
  );
}

/** Closes the page's chat socket as a network drop would (it reconnects by itself). */
export async function dropSocket(page: Page) {
  await page.evaluate(() => {
    const sockets = (window as unknown as { __sockets: WebSocket[] }).__sockets;
    sockets.at(-1)?.close(4999);
  });
}

/** Joining and media set-up (ICE, DTLS, first keyframe): seconds normally; the margin is for a 2-core machine at load 40+. */
export const MEDIA_FLOWS_MS = 120_000;

/** Opens the pre-join screen from the header or the banner, joins with what it offers, and waits until live. */
export async function joinFromChannel(t: CallTab, via: "header" | "banner") {
  if (via === "header") await t.page.getByTestId("call-button").click();
  else await t.page.getByTestId("call-banner").getByRole("button", { name: "Join" }).click();
  await t.page.getByTestId("prejoin").waitFor();
  const clicked = Date.now();
  await t.page.getByRole("button", { name: /^(Start call|Join now)$/ }).click();
  await t.page
    .locator(".call-controls")
    .getByRole("button", { name: "Mute" })
    .and(t.page.locator(":enabled"))
    .waitFor({ timeout: MEDIA_FLOWS_MS });
  console.log(`${t.name} joined in ${Date.now() - clicked} ms`);
}

/** Waits until the page plays the camera video of every one of `userIds`. */
export async function waitCamerasPlaying(t: CallTab, userIds: string[]) {
  const start = Date.now();
  for (;;) {
    const playing = await playingCameras(t.page);
    if (userIds.every((id) => playing.includes(id))) return;
    if (Date.now() - start > MEDIA_FLOWS_MS)
      throw new Error(
        `${t.name} plays the cameras of ${playing.join(", ") || "nobody"}, not all of ${userIds.join(", ")}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Waits until the page has received both audio and video bytes from each of these users. A playing camera
 * says only that video arrived: on a loaded machine the audio consumer can start later.
 */
export async function waitMediaArriving(t: CallTab, userIds: string[]) {
  const wanted = userIds.flatMap((id) => [`${id}:audio`, `${id}:video`]);
  const start = Date.now();
  for (;;) {
    const bytes = await inboundBytes(t.page);
    const missing = wanted.filter((key) => !((bytes[key] ?? 0) > 0));
    if (missing.length === 0) return;
    if (Date.now() - start > MEDIA_FLOWS_MS) throw new Error(`${t.name} receives nothing for ${missing.join(", ")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** What the SFU says of this page's consumers, asked with `call.getStats` over the page's own chat socket. */
export type SfuConsumer = {
  consumerId: string;
  kind: string;
  paused: boolean;
  bytes: number;
  currentLayers?: { spatialLayer: number; temporalLayer?: number };
  preferredLayers?: { spatialLayer: number; temporalLayer?: number };
};
export async function sfuConsumers(page: Page): Promise<SfuConsumer[]> {
  return page.evaluate(async () => {
    const ws = (window as unknown as { __sockets: WebSocket[] }).__sockets.at(-1);
    if (!ws || ws.readyState !== WebSocket.OPEN) throw new Error("the page has no open chat socket");
    // An id the page's socket module never uses: it ignores the reply, this listener takes it.
    const id = `test-stats-${Math.random().toString(36).slice(2)}`;
    // The listener is an unnamed argument: a named one would be wrapped by tsx's __name, unknown in the page.
    const done = new AbortController();
    return new Promise<SfuConsumer[]>((resolve, reject) => {
      ws.addEventListener(
        "message",
        (e: MessageEvent) => {
          const frame = JSON.parse(String(e.data)) as {
            type: string;
            id?: string;
            ok?: boolean;
            result?: { consumers: SfuConsumer[] };
            error?: unknown;
          };
          if (frame.type !== "reply" || frame.id !== id) return;
          done.abort();
          if (frame.ok && frame.result) resolve(frame.result.consumers);
          else reject(new Error(`call.getStats: ${JSON.stringify(frame.error)}`));
        },
        { signal: done.signal },
      );
      ws.send(JSON.stringify({ id, type: "call.getStats" }));
    });
  });
}

/** One sender's camera as this page receives it: RTP bytes and the width of the frames decoded. */
export async function receivedCamera(page: Page, userId: string): Promise<{ bytes: number; frameWidth: number }> {
  return page.evaluate(async (userId) => {
    const video = document.querySelector<HTMLVideoElement>(
      `[data-testid=tile][data-source=camera][data-user-id="${userId}"] video`,
    );
    const trackId = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.id;
    const found = { bytes: 0, frameWidth: 0 };
    if (!trackId) return found;
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach(
        (s: { type: string; trackIdentifier?: string; bytesReceived?: number; frameWidth?: number }) => {
          if (s.type !== "inbound-rtp" || s.trackIdentifier !== trackId) return;
          found.bytes += s.bytesReceived ?? 0;
          found.frameWidth = s.frameWidth ?? 0;
        },
      );
    }
    return found;
  }, userId);
}

/**
 * From now on, notes on the page (its clock: the machine's one clock) the moment no tile of `userId` is left;
 * read it with `tilesGoneAt`.
 */
export async function watchTilesGone(page: Page, userId: string) {
  await page.evaluate((userId) => {
    const w = window as unknown as { __goneAt?: Record<string, number> };
    w.__goneAt ??= {};
    const gone = w.__goneAt;
    const observer = new MutationObserver(() => {
      if (!document.querySelector(`[data-testid=tile][data-user-id="${userId}"]`)) {
        gone[userId] = Date.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  }, userId);
}

export async function tilesGoneAt(page: Page, userId: string, timeoutMs: number): Promise<number> {
  const handle = await page.waitForFunction(
    (userId) => (window as unknown as { __goneAt?: Record<string, number> }).__goneAt?.[userId],
    userId,
    { timeout: timeoutMs },
  );
  return (await handle.jsonValue()) as number;
}
