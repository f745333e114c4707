// The thread beside the channel: its first message, the replies (live), and a composer for replies.
import { createEffect, For, on, Show } from "solid-js";
import { useStore } from "../store";
import { Composer } from "./composer/composer";
import { MessageItem } from "./message-item";
import { PendingItem } from "./pending-item";

export function ThreadPanel(props: { rootId: string; onClose: () => void }) {
  const store = useStore();
  let list: HTMLDivElement | undefined;
  createEffect(
    on(
      () => props.rootId,
      (id) => void store.threads.show(id, store.session.user()?.id ?? ""),
    ),
  );
  const root = () => store.threads.messages().find((m) => m.id === props.rootId);
  const replies = () => store.threads.messages().filter((m) => m.id !== props.rootId);
  const pending = () => store.messages.pending.filter((p) => p.parentId === props.rootId);
  const channel = () => (root() ? store.channels.byId(root()?.channelId ?? "") : undefined);
  // Read while open: the newest reply counts as seen on this device; new replies scroll into view.
  createEffect(
    on([replies, pending], () => {
      const last = replies().at(-1);
      if (last) store.threads.markSeen(props.rootId, last.seq);
      queueMicrotask(() => {
        if (list) list.scrollTop = list.scrollHeight;
      });
    }),
  );
  return (
    <aside class="thread-panel" aria-label="Thread" data-testid="thread-panel">
      <header class="thread-header">
        <div>
          <h2>Thread</h2>
          <Show when={channel()}>
            {(c) => (
              <span class="muted small">
                {c().kind === "public" || c().kind === "private" ? `#${c().name}` : c().name}
              </span>
            )}
          </Show>
        </div>
        <button type="button" class="icon" aria-label="Close thread" onClick={() => props.onClose()}>
          ×
        </button>
      </header>
      <Show when={store.threads.error()}>
        <p class="error" role="alert">
          {store.threads.error()}
        </p>
      </Show>
      <div class="thread-messages" ref={list}>
        <Show when={root()} fallback={<p class="muted thread-loading">Loading…</p>}>
          {(r) => (
            <>
              <MessageItem message={r()} />
              <div class="thread-count" data-testid="thread-reply-count">
                <span>
                  {r().replyCount} {r().replyCount === 1 ? "reply" : "replies"}
                </span>
              </div>
              <ol class="message-list" aria-label="Replies">
                <For each={replies()}>
                  {(m, i) => (
                    <li class="row">
                      <MessageItem message={m} continued={i() > 0 && replies()[i() - 1]?.authorId === m.authorId} />
                    </li>
                  )}
                </For>
                <For each={pending()}>
                  {(p) => (
                    <li class="row">
                      <PendingItem pending={p} />
                    </li>
                  )}
                </For>
              </ol>
            </>
          )}
        </Show>
      </div>
      <Show when={root()}>
        {(r) => <Composer channelId={r().channelId} parentId={props.rootId} label="Reply" placeholder="Reply…" />}
      </Show>
    </aside>
  );
}
