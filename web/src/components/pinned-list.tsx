// The channel's pinned messages, newest pin first (channel details, "Pinned" tab). It follows the pins
// slice, so a pin or unpin by anyone shows while it is open. "Open" shows the message in context (?m=), a
// reply in its thread beside the channel, as search does.
import { useNavigate } from "@tanstack/solid-router";
import { For, Show } from "solid-js";
import { createAction } from "../shared/action";
import { Avatar } from "../shared/avatar";
import { ErrorText } from "../shared/error-text";
import { useStore } from "../store";
import type { Pin } from "../store/pins";
import { Markdown } from "./markdown/markdown";

export function PinnedList(props: { channelId: string; member: boolean; onOpened: () => void }) {
  const store = useStore();
  const navigate = useNavigate();
  const unpinning = createAction();
  const name = (id: string) => (id === store.session.user()?.id ? "you" : (store.presence.name(id) ?? "someone"));
  const context = {
    nameOf: (id: string) => store.presence.name(id),
    get meId() {
      return store.session.user()?.id ?? "";
    },
  };
  // Pins of a channel not opened in this tab yet are read here.
  if (!store.pins.of(props.channelId)) void store.pins.load(props.channelId);

  async function open(pin: Pin) {
    props.onOpened();
    const { id, parentId } = pin.message;
    const search = parentId ? { m: parentId, thread: parentId } : { m: id };
    await navigate({ to: "/c/$channelId", params: { channelId: props.channelId }, search });
  }

  return (
    <div class="pinned-list">
      <Show when={store.pins.of(props.channelId)} fallback={<p class="muted">Loading…</p>}>
        {(pins) => (
          <ul class="directory" data-testid="pinned-list">
            <For
              each={pins()}
              fallback={
                <li class="muted" data-testid="no-pins">
                  Nothing is pinned yet. Pin a message from its actions (📌) to keep it here.
                </li>
              }
            >
              {(pin) => (
                <li data-testid="pinned-item" data-message-id={pin.message.id}>
                  <Avatar
                    id={pin.message.authorId}
                    name={store.presence.name(pin.message.authorId) ?? "?"}
                    url={store.presence.avatar(pin.message.authorId)}
                    size={28}
                  />
                  <div class="pinned-text">
                    <div class="muted small">
                      <strong>{store.presence.name(pin.message.authorId) ?? "Someone"}</strong> ·{" "}
                      {new Date(pin.message.createdAt).toLocaleString([], { dateStyle: "medium", timeStyle: "short" })}{" "}
                      · pinned by {name(pin.pinnedById)}
                    </div>
                    <div class="md pinned-body">
                      <Markdown body={pin.message.body} context={context} />
                    </div>
                  </div>
                  <div class="pinned-buttons">
                    <button type="button" class="secondary" onClick={() => void open(pin)}>
                      Open
                    </button>
                    <Show when={props.member}>
                      <button
                        type="button"
                        class="secondary"
                        aria-label="Unpin"
                        disabled={unpinning.pending()}
                        onClick={() => void unpinning.run(() => store.pins.unpin(props.channelId, pin.message.id))}
                      >
                        Unpin
                      </button>
                    </Show>
                  </div>
                </li>
              )}
            </For>
          </ul>
        )}
      </Show>
      <ErrorText error={unpinning.error()} />
    </div>
  );
}
