// Who is in the call, with their microphone, camera and raised hand; admins can take someone out or end
// the call for everyone.
import { createSignal, For, Show } from "solid-js";
import { useStore } from "../store";
import { HandIcon, MicOffIcon } from "./icons";

export function Participants(props: { isAdmin: boolean; onClose: () => void }) {
  const store = useStore();
  const controller = store.calls.controller;
  const state = controller.state;
  const [error, setError] = createSignal("");
  const people = () => Object.values(state.peers).sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
  const attempt = (p: Promise<unknown>) =>
    p.then(
      () => setError(""),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  return (
    <aside class="participants" aria-label="People in the call">
      <header>
        <h2>People ({people().length})</h2>
        <button type="button" class="icon" aria-label="Close people" onClick={props.onClose}>
          ×
        </button>
      </header>
      <ul>
        <For each={people()}>
          {(p) => (
            <li data-testid="participant">
              <span class="participant-name">
                {p.displayName}
                {p.peerId === state.peerId ? " (you)" : ""}
              </span>
              <Show when={p.handRaised}>
                <HandIcon class="tile-icon hand" />
                <span class="sr-only">hand raised</span>
              </Show>
              <Show when={p.muted.mic}>
                <MicOffIcon class="tile-icon" />
                <span class="sr-only">muted</span>
              </Show>
              <Show when={p.screenSharing}>
                <span class="muted small">sharing</span>
              </Show>
              <Show when={props.isAdmin && p.peerId !== state.peerId}>
                <button type="button" class="link" onClick={() => void attempt(controller.remove(p.userId))}>
                  Remove
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={props.isAdmin}>
        <button type="button" class="danger" onClick={() => void attempt(controller.endForAll())}>
          End call for everyone
        </button>
      </Show>
    </aside>
  );
}
