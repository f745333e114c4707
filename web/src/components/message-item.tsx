import type { MessageView } from "api/client";
import { createSignal, For, Show } from "solid-js";
import { useStore } from "../store";

/** `<@user-id>` in a body; split() keeps the captured id at the odd indexes. */
const MENTION = /<@([0-9a-f-]{36})>/;
const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

export function MessageItem(props: { message: MessageView }) {
  const store = useStore();
  const author = () => store.presence.name(props.message.authorId) ?? "Someone";
  const mine = () => props.message.authorId === store.session.user()?.id && !props.message.deletedAt;
  const [editing, setEditing] = createSignal(false);
  const [error, setError] = createSignal("");
  const attempt = (p: Promise<unknown>) =>
    p.then(
      () => setError(""),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  const save = (body: string) => {
    setEditing(false);
    if (body.trim() && body !== props.message.body) void attempt(store.edit(props.message.id, body.trim()));
  };
  return (
    <li class="message" data-testid="message" data-seq={props.message.seq}>
      <div class="meta">
        <strong>{author()}</strong>
        <time datetime={props.message.createdAt}>{time(props.message.createdAt)}</time>
        <Show when={props.message.editedAt && !props.message.deletedAt}>
          <span class="muted small">(edited)</span>
        </Show>
      </div>
      <Show when={editing()}>
        <textarea
          class="edit"
          aria-label="Edit message"
          value={props.message.body}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              save(e.currentTarget.value);
            }
            if (e.key === "Escape") setEditing(false);
          }}
        />
      </Show>
      <Show when={error()}>
        <p class="error small">{error()}</p>
      </Show>
      <Show
        when={!props.message.deletedAt && !editing()}
        fallback={
          <Show when={props.message.deletedAt}>
            <p class="body deleted">This message was deleted.</p>
          </Show>
        }
      >
        <p class="body" data-testid="message-body">
          <For each={props.message.body.split(MENTION)}>
            {(part, i) =>
              i() % 2 === 1 ? <span class="mention">@{store.presence.name(part) ?? "someone"}</span> : part
            }
          </For>
        </p>
      </Show>
      <Show when={props.message.reactions.length > 0}>
        <div class="reactions">
          <For each={props.message.reactions}>
            {(r) => (
              <button
                type="button"
                class="reaction"
                classList={{ mine: r.me }}
                aria-pressed={r.me}
                onClick={() => store.react(props.message.id, r.emoji)}
              >
                {r.emoji} {r.count}
              </button>
            )}
          </For>
        </div>
      </Show>
      <Show when={props.message.replyCount > 0}>
        <span class="replies">
          {props.message.replyCount} {props.message.replyCount === 1 ? "reply" : "replies"}
        </span>
      </Show>
      <Show when={!props.message.deletedAt}>
        <span class="actions">
          <button type="button" aria-label="React with thumbs up" onClick={() => store.react(props.message.id, "👍")}>
            👍+
          </button>
          <Show when={mine()}>
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" onClick={() => attempt(store.remove(props.message.id))}>
              Delete
            </button>
          </Show>
        </span>
      </Show>
    </li>
  );
}
