// The call, over the app: a grid of everyone (or the speaker layout: one large tile, the others in a
// strip), the controls, the participants list, and what happens when the call breaks or ends.
import { createEffect, createMemo, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { useStore } from "../store";
import { gridColumns, mainTile, tilesOf } from "./layout";
import { Participants } from "./participants";
import { endText } from "./state";
import { Tile, type TileModel } from "./tile";

export function CallView() {
  const store = useStore();
  const controller = store.calls.controller;
  const state = controller.state;
  const [tiles, setTiles] = createStore<TileModel[]>([]);
  createEffect(() => setTiles(reconcile(tilesOf(state), { key: "key", merge: true })));
  const [layout, setLayout] = createSignal<"auto" | "grid" | "speaker">("auto");
  const [panel, setPanel] = createSignal(false);
  const [minimised, setMinimised] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const speaker = () => (layout() === "auto" ? tiles.some((t) => t.source === "screen") : layout() === "speaker");
  const main = createMemo(() => (speaker() ? mainTile(tiles) : undefined));
  const channelName = () => store.channels.byId(state.channelId ?? "")?.name ?? "";
  const isAdmin = () => ["admin", "owner"].includes(store.session.user()?.role ?? "");
  const audios = () => Object.values(state.received).filter((r) => r.kind === "audio");

  let stage: HTMLDivElement | undefined;
  const [box, setBox] = createSignal({ width: 0, height: 0 });
  onMount(() => {
    const sized = new ResizeObserver(
      ([e]) => e && setBox({ width: e.contentRect.width, height: e.contentRect.height }),
    );
    createEffect(() => {
      if (stage) sized.observe(stage);
    });
    onCleanup(() => sized.disconnect());
  });
  const columns = () => gridColumns(tiles.length, box().width, box().height);

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      controller.store[1]("error", error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Show
      when={!minimised() || state.phase === "ended"}
      fallback={
        <section class="call-mini" aria-label="Call" ref={reserveSpace}>
          <span>
            In a call in {channelName()} · {tiles.filter((t) => t.source === "camera").length}
          </span>
          <button type="button" onClick={() => setMinimised(false)}>
            Open call
          </button>
          <button type="button" class="danger" onClick={() => void controller.leave()}>
            Leave
          </button>
          <For each={audios()}>
            {(a) => <RemoteAudio track={a.track} userId={state.peers[a.peerId]?.userId ?? ""} />}
          </For>
        </section>
      }
    >
      <section class="call" aria-label={`Call in ${channelName()}`} data-testid="call">
        <header class="call-top">
          <strong>{channelName()}</strong>
          <span class="muted" data-testid="call-count">
            {tiles.filter((t) => t.source === "camera").length} in the call
          </span>
          <Show when={state.phase === "reconnecting"}>
            <span class="call-status" role="status">
              Reconnecting…
            </span>
          </Show>
          <Show when={state.phase === "joining"}>
            <span class="call-status" role="status">
              Joining…
            </span>
          </Show>
          <span class="spacer" />
          <button type="button" onClick={() => setLayout(speaker() ? "grid" : "speaker")}>
            {speaker() ? "Grid view" : "Speaker view"}
          </button>
          <button type="button" onClick={() => setMinimised(true)}>
            Back to chat
          </button>
        </header>
        <Show when={state.error}>
          <p class="call-error" role="alert">
            {state.error}{" "}
            <button type="button" class="link" onClick={() => controller.store[1]("error", null)}>
              Dismiss
            </button>
          </p>
        </Show>
        <div class="call-body">
          <Show
            when={state.phase !== "ended"}
            fallback={
              <div class="call-ended" role="status" data-testid="call-ended">
                <p>{endText[state.ended?.reason ?? "empty"]}</p>
                <div class="actions">
                  <Show when={state.ended?.reason !== "removed"}>
                    <button type="button" class="primary" onClick={() => void act(() => controller.startAgain())}>
                      Start again
                    </button>
                  </Show>
                  <button type="button" onClick={() => void controller.leave()}>
                    Close
                  </button>
                </div>
              </div>
            }
          >
            <div
              ref={stage}
              class="stage"
              classList={{ speaker: speaker(), grid: !speaker() }}
              style={{ "--cols": String(columns()) }}
            >
              <Show when={main()} fallback={<For each={tiles}>{(t) => <Tile tile={t} controller={controller} />}</For>}>
                {(m) => (
                  <>
                    <div class="stage-main">
                      <Tile tile={m()} controller={controller} large />
                    </div>
                    <div class="strip">
                      <For each={tiles.filter((t) => t.key !== m().key)}>
                        {(t) => <Tile tile={t} controller={controller} />}
                      </For>
                    </div>
                  </>
                )}
              </Show>
            </div>
          </Show>
          <Show when={panel()}>
            <Participants isAdmin={isAdmin()} onClose={() => setPanel(false)} />
          </Show>
        </div>
        <For each={audios()}>{(a) => <RemoteAudio track={a.track} userId={state.peers[a.peerId]?.userId ?? ""} />}</For>
        <Show when={state.phase !== "ended"}>
          <footer class="call-controls">
            <button
              type="button"
              aria-pressed={!state.local.micOn}
              disabled={busy() || state.phase !== "live"}
              onClick={() => void act(() => controller.setMic(!state.local.micOn))}
            >
              {state.local.micOn ? "Mute" : "Unmute"}
            </button>
            <button
              type="button"
              aria-pressed={!state.local.cameraOn}
              disabled={busy() || state.phase !== "live"}
              onClick={() => void act(() => controller.setCamera(!state.local.cameraOn))}
            >
              {state.local.cameraOn ? "Stop camera" : "Start camera"}
            </button>
            <button
              type="button"
              disabled={busy() || state.phase !== "live"}
              onClick={() => void act(() => (state.local.screen ? controller.stopScreen() : controller.shareScreen()))}
            >
              {state.local.screen ? "Stop sharing" : "Share screen"}
            </button>
            <button
              type="button"
              aria-pressed={state.local.hand}
              disabled={busy() || state.phase !== "live"}
              onClick={() => void act(() => controller.raiseHand(!state.local.hand))}
            >
              {state.local.hand ? "Lower hand" : "Raise hand"}
            </button>
            <button type="button" aria-expanded={panel()} onClick={() => setPanel(!panel())}>
              People ({Object.keys(state.peers).length})
            </button>
            <button type="button" class="danger" onClick={() => void controller.leave()}>
              Leave
            </button>
          </footer>
        </Show>
      </section>
    </Show>
  );
}

/** Someone's voice; plays on the speaker chosen before joining. */
function RemoteAudio(props: { track: MediaStreamTrack; userId: string }) {
  const store = useStore();
  let el: HTMLAudioElement | undefined;
  createEffect(() => {
    if (el) el.srcObject = new MediaStream([props.track]);
  });
  createEffect(() => {
    const sink = store.calls.speaker();
    const audio = el as (HTMLAudioElement & { setSinkId?(id: string): Promise<void> }) | undefined;
    if (sink && audio?.setSinkId) void audio.setSinkId(sink).catch(() => {});
  });
  // biome-ignore lint/a11y/useMediaCaption: a live call's voices have no caption track to offer
  return <audio ref={el} autoplay data-user-id={props.userId} data-testid="remote-audio" />;
}

/**
 * The minimised call's bar lies over the top of the page: the message list starts below it (chat.css reads
 * --call-mini-space), so it hides none of the channel. The bar wraps to two lines on a phone.
 */
function reserveSpace(bar: HTMLElement) {
  const root = document.documentElement.style;
  const sized = new ResizeObserver(() => root.setProperty("--call-mini-space", `${bar.offsetHeight + 8}px`));
  sized.observe(bar);
  onCleanup(() => {
    sized.disconnect();
    root.removeProperty("--call-mini-space");
  });
}
