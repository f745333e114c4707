// Where a call shows in the chat: the header's call button, the channel's live-call banner, the sidebar's
// mark, and the layer over the app that holds the pre-join screen and the call itself.
import "./calls.css";
import { createEffect, Show } from "solid-js";
import { useStore } from "../store";
import { CallView } from "./call-view";
import { VideoIcon } from "./icons";
import { Prejoin } from "./prejoin";

const unavailableText = {
  off: "",
  connecting: "Calls are getting ready (the call server is starting)…",
  unavailable: "The call server is unavailable; calls will come back when it does.",
  ready: "",
} as const;

/** Start or join the channel's call. Shown to members only (the sidebar lists only their channels). */
export function CallButton(props: { channelId: string }) {
  const store = useStore();
  const calls = store.calls;
  const member = () => Boolean(store.channels.byId(props.channelId));
  const here = () => calls.controller.state.channelId === props.channelId && calls.controller.state.phase !== "idle";
  const state = () => calls.availability();
  return (
    <Show when={member() && state() !== "off"}>
      <button
        type="button"
        class="call-button"
        data-testid="call-button"
        disabled={state() !== "ready" || here()}
        title={unavailableText[state()] || undefined}
        onClick={() => calls.openPrejoin(props.channelId)}
      >
        <VideoIcon />
        {here()
          ? "In call"
          : calls.live(props.channelId)
            ? "Join call"
            : state() === "connecting"
              ? "Calls getting ready…"
              : "Call"}
      </button>
    </Show>
  );
}

/** "Dana and 2 others are in a call — Join", kept current by the roster. */
export function CallBanner(props: { channelId: string }) {
  const store = useStore();
  const calls = store.calls;
  const call = () => calls.live(props.channelId);
  const here = () => calls.controller.state.channelId === props.channelId && calls.controller.state.phase !== "idle";
  createEffect(() => {
    if (call() && !call()?.participants) void calls.loadParticipants(props.channelId);
  });
  const who = () => {
    const names = (call()?.participants ?? []).map((p) => p.displayName);
    if (names.length === 0) return "A call is running";
    if (names.length === 1) return `${names[0]} is in a call`;
    const others = names.length - 1;
    return `${names[0]} and ${others} other${others === 1 ? "" : "s"} are in a call`;
  };
  return (
    <Show when={store.channels.byId(props.channelId) && call() && !here()}>
      <div class="call-banner" role="status" data-testid="call-banner">
        <VideoIcon />
        <span>{who()}</span>
        <button
          type="button"
          class="primary"
          disabled={calls.availability() !== "ready"}
          onClick={() => calls.openPrejoin(props.channelId)}
        >
          Join
        </button>
      </div>
    </Show>
  );
}

/** The sidebar's mark on a channel with a live call. */
export function CallMark(props: { channelId: string }) {
  const store = useStore();
  return (
    <Show when={store.calls.live(props.channelId)}>
      <span class="call-mark" data-testid="call-mark" title="A call is running">
        <VideoIcon />
        <span class="sr-only">call running</span>
      </span>
    </Show>
  );
}

/** Over the app: the pre-join screen, and the call once joined. */
export function CallLayer() {
  const calls = useStore().calls;
  return (
    <>
      <Show when={calls.prejoin()}>{(channelId) => <Prejoin channelId={channelId()} />}</Show>
      <Show when={calls.controller.state.phase !== "idle"}>
        <CallView />
      </Show>
    </>
  );
}
