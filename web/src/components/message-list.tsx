import { createEffect, createSignal, For, on, Show } from "solid-js";
import { useStore } from "../store";
import { MessageItem } from "./message-item";

export function MessageList(props: { channelId: string }) {
  const store = useStore();
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  let box: HTMLDivElement | undefined;
  let stick = true;
  /** Scrolls so that `fromBottom` pixels of content are below the top (0: to the very bottom). */
  const scrollTo = (fromBottom: number) => {
    if (box) box.scrollTop = fromBottom ? box.scrollHeight - fromBottom : box.scrollHeight;
  };
  const messages = () => store.messages.view(props.channelId);
  const pending = () => store.messages.pending.filter((p) => p.channelId === props.channelId);

  // Follow the newest message while the reader is at the bottom.
  createEffect(
    on([messages, pending], () => {
      if (box && stick) queueMicrotask(() => scrollTo(0));
    }),
  );
  createEffect(
    on(
      () => props.channelId,
      () => {
        stick = true;
      },
    ),
  );

  async function older() {
    if (loadingOlder() || !store.messages.hasMore(props.channelId) || !box) return;
    setLoadingOlder(true);
    const fromBottom = box.scrollHeight - box.scrollTop;
    stick = false;
    try {
      await store.messages.loadOlder(props.channelId);
    } finally {
      setLoadingOlder(false);
      queueMicrotask(() => scrollTo(fromBottom));
    }
  }

  function onScroll() {
    if (!box) return;
    stick = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    if (box.scrollTop < 60) void older();
  }

  return (
    <div class="messages" ref={box} onScroll={onScroll}>
      <Show when={store.messages.hasMore(props.channelId)}>
        <button type="button" class="link older" onClick={older} disabled={loadingOlder()}>
          {loadingOlder() ? "Loading…" : "Load older messages"}
        </button>
      </Show>
      <ol class="message-list" aria-live="polite" aria-label="Messages">
        <For each={messages()}>{(m) => <MessageItem message={m} />}</For>
        <For each={pending()}>
          {(p) => (
            <li class="message pending" classList={{ failed: p.status === "failed" }} data-testid="pending-message">
              <div class="meta">
                <strong>{store.session.user()?.displayName}</strong>
                <span class="muted small">{p.status === "failed" ? `Not sent: ${p.error ?? ""}` : "Sending…"}</span>
              </div>
              <p class="body">{p.body}</p>
              <Show when={p.status === "failed"}>
                <button type="button" onClick={() => store.retry(p.clientId)}>
                  Retry
                </button>
              </Show>
            </li>
          )}
        </For>
      </ol>
    </div>
  );
}
