import type { MessageView } from "api/client";
import { For, Show } from "solid-js";
import { Avatar } from "../shared/avatar";
import { useStore } from "../store";

/** Under a thread's first message: who replied last, how many replies, and the way into the thread. */
export function ThreadSummary(props: { message: MessageView; onOpen: () => void }) {
  const store = useStore();
  const repliers = () => props.message.replierIds;
  const count = () => props.message.replyCount;
  return (
    <button type="button" class="thread-summary" data-testid="thread-summary" onClick={() => props.onOpen()}>
      <For each={repliers()}>
        {(id) => <Avatar id={id} name={store.presence.name(id) ?? "?"} url={store.presence.avatar(id)} size={20} />}
      </For>
      <span class="replies">
        {count()} {count() === 1 ? "reply" : "replies"}
      </span>
      <Show when={props.message.lastReplyAt}>
        {(at) => (
          <span class="muted small">
            Last reply {new Date(at()).toLocaleString([], { dateStyle: "short", timeStyle: "short" })}
          </span>
        )}
      </Show>
    </button>
  );
}
