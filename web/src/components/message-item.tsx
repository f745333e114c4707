import type { MessageView } from "api/client";
import { createSignal, For, Show } from "solid-js";
import { Attachments } from "../files/attachments";
import { Avatar } from "../shared/avatar";
import { useStore } from "../store";
import { ConfirmDialog } from "./confirm-dialog";
import { EmojiPicker } from "./emoji-picker";
import { Markdown } from "./markdown/markdown";
import { ReactionButton } from "./reaction-button";
import { ThreadSummary } from "./thread-summary";

// One formatter for every message (toLocaleTimeString with options makes one per call: a switch to a
// channel rendered about 30 of them).
const clock = new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit" });
// And each message's time formatted once: formatting was still several milliseconds of a channel switch.
const times = new Map<string, string>();
const time = (iso: string) => {
  let shown = times.get(iso);
  if (shown === undefined) {
    if (times.size >= 20_000) times.clear();
    shown = clock.format(new Date(iso));
    times.set(iso, shown);
  }
  return shown;
};

/**
 * One message. `continued`: the same author shortly after their previous one, drawn without avatar and
 * name. `onReply` opens its thread (absent inside a thread). On touch screens a tap shows the actions.
 */
export function MessageItem(props: {
  message: MessageView;
  continued?: boolean;
  highlighted?: boolean;
  onReply?: (messageId: string) => void;
}) {
  const store = useStore();
  const author = () => store.presence.name(props.message.authorId) ?? "Someone";
  const mine = () => props.message.authorId === store.session.user()?.id && !props.message.deletedAt;
  const editing = () => store.editing() === props.message.id;
  const [error, setError] = createSignal("");
  const [picking, setPicking] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const [selected, setSelected] = createSignal(false);
  const pin = () => store.pins.pinOf(props.message.channelId, props.message.id);
  const togglePin = () => {
    const { channelId, id } = props.message;
    setSelected(false); // done with the menu, as after any choice in it
    void attempt(pin() ? store.pins.unpin(channelId, id) : store.pins.pin(channelId, id));
  };
  const attempt = (p: Promise<unknown>) =>
    p.then(
      () => setError(""),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  const save = (body: string) => {
    store.setEditing(null);
    if (body.trim() && body !== props.message.body) void attempt(store.edit(props.message.id, body.trim()));
  };
  const context = {
    nameOf: (id: string) => store.presence.name(id),
    get meId() {
      return store.session.user()?.id ?? "";
    },
  };
  return (
    <div
      class="message"
      classList={{
        continued: props.continued,
        selected: selected(),
        flash: props.highlighted,
        "mentions-me": !props.message.deletedAt && mentionsMe(props.message.body, context.meId),
        pinned: Boolean(pin()),
      }}
      data-testid="message"
      data-seq={props.message.seq}
      data-message-id={props.message.id}
    >
      <Show when={pin()}>
        {(p) => (
          <p class="pinned-by" data-testid="pinned-marker">
            <span aria-hidden="true">📌</span> Pinned by{" "}
            {p().pinnedById === context.meId ? "you" : (store.presence.name(p().pinnedById) ?? "someone")}
          </p>
        )}
      </Show>
      <div class="gutter">
        <Show
          when={!props.continued}
          fallback={
            <time class="hover-time" datetime={props.message.createdAt}>
              {time(props.message.createdAt)}
            </time>
          }
        >
          <Avatar
            id={props.message.authorId}
            name={author()}
            url={store.presence.avatar(props.message.authorId)}
            size={36}
          />
        </Show>
      </div>
      <div class="content">
        <Show when={!props.continued}>
          <div class="meta">
            <strong class="author">{author()}</strong>
            <time datetime={props.message.createdAt}>{time(props.message.createdAt)}</time>
          </div>
        </Show>
        <Show when={editing()}>
          <textarea
            class="edit"
            aria-label="Edit message"
            value={props.message.body}
            ref={(el) => queueMicrotask(() => el.focus())}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                save(e.currentTarget.value);
              }
              if (e.key === "Escape") store.setEditing(null);
            }}
          />
          <p class="muted small">Enter to save, Escape to cancel</p>
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
          <div class="body md" data-testid="message-body">
            <Markdown body={props.message.body} context={context} />
            <Show when={props.message.editedAt}>
              <span class="muted small edited"> (edited)</span>
            </Show>
          </div>
          <Attachments items={props.message.attachments} />
        </Show>
        <Show when={props.message.reactions.length > 0}>
          <div class="reactions">
            <For each={props.message.reactions}>
              {(r) => <ReactionButton messageId={props.message.id} reaction={r} />}
            </For>
            <button type="button" class="reaction add" aria-label="Add reaction" onClick={() => setPicking(true)}>
              ☺+
            </button>
          </div>
        </Show>
        <Show when={props.onReply && props.message.replyCount > 0}>
          <ThreadSummary message={props.message} onOpen={() => props.onReply?.(props.message.id)} />
        </Show>
      </div>
      <Show when={!props.message.deletedAt}>
        {/* Touch screens have no hover: this shows the actions (pointer screens hide it, see chat.css). */}
        <button
          type="button"
          class="more-toggle"
          aria-label="Message actions"
          aria-expanded={selected()}
          onClick={() => setSelected((s) => !s)}
        >
          ⋯
        </button>
        <div class="actions" role="toolbar" aria-label="Message actions">
          <button type="button" aria-label="Add reaction" title="Add reaction" onClick={() => setPicking(true)}>
            ☺
          </button>
          <Show when={props.onReply}>
            <button
              type="button"
              aria-label="Reply in thread"
              title="Reply in thread"
              onClick={() => props.onReply?.(props.message.id)}
            >
              💬
            </button>
          </Show>
          <button
            type="button"
            aria-label={pin() ? "Unpin from channel" : "Pin to channel"}
            title={pin() ? "Unpin from channel" : "Pin to channel"}
            aria-pressed={Boolean(pin())}
            onClick={togglePin}
          >
            📌
          </button>
          <Show when={mine()}>
            <button type="button" onClick={() => store.setEditing(props.message.id)}>
              Edit
            </button>
            <button type="button" onClick={() => setConfirming(true)}>
              Delete
            </button>
          </Show>
        </div>
      </Show>
      <Show when={picking()}>
        <EmojiPicker onPick={(emoji) => store.react(props.message.id, emoji)} onClose={() => setPicking(false)} />
      </Show>
      <Show when={confirming()}>
        <ConfirmDialog
          title="Delete message"
          message="Delete this message for everyone? This cannot be undone."
          confirm="Delete"
          onConfirm={() => attempt(store.remove(props.message.id))}
          onClose={() => setConfirming(false)}
        />
      </Show>
    </div>
  );
}

function mentionsMe(body: string, meId: string) {
  return (meId !== "" && body.includes(`<@${meId}>`)) || /(^|[^\w@])@(channel|all|here)\b/i.test(body);
}
