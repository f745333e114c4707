// Writing a message: Enter sends, Shift+Enter is a new line, Up in an empty box edits my last message,
// @ and : open suggestions (arrows, Enter or Tab to pick, Escape to close). The draft of each channel and
// thread is kept in this browser until it is sent, across reloads.
import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from "solid-js";
import { AttachButton, createComposerFiles, UploadList } from "../../files/composer-files";
import { emojiReady, loadEmoji, rememberEmoji, searchEmoji } from "../../lib/emoji";
import { Avatar } from "../../shared/avatar";
import { useStore } from "../../store";
import { EmojiPicker } from "../emoji-picker";
import { createDirectoryLookup, NotInChannelNotice } from "./outsiders";
import { encodeMentions, matchPeople, replaceTrigger, type Trigger, triggerAt } from "./suggest";

interface Option {
  id: string;
  label: string;
  hint: string;
  insert: string;
  person?: { id: string; name: string };
}

const draftKey = (channelId: string, parentId?: string) => `parley.draft.${channelId}${parentId ? `.${parentId}` : ""}`;

function readDraft(key: string) {
  try {
    return localStorage.getItem(key) ?? "";
  } catch {
    return "";
  }
}

export function Composer(props: {
  channelId: string;
  /** Replies to this thread. */
  parentId?: string;
  label?: string;
  placeholder?: string;
}) {
  const store = useStore();
  const key = () => draftKey(props.channelId, props.parentId);
  const [text, setText] = createSignal(readDraft(key()));
  const [trigger, setTrigger] = createSignal<Trigger | null>(null);
  const [active, setActive] = createSignal(0);
  const [picking, setPicking] = createSignal(false);
  const [alsoToChannel, setAlsoToChannel] = createSignal(false);
  const picked = new Map<string, string>();
  const directory = createDirectoryLookup();
  /** Mentioned in the last message sent, but not members: they were not notified (see outsiders.tsx). */
  const [outsiders, setOutsiders] = createSignal<{ id: string; name: string }[]>([]);
  let box: HTMLTextAreaElement | undefined;
  const listId = `suggest-${props.parentId ?? props.channelId}`;
  const name = () => store.channels.byId(props.channelId)?.name ?? "";
  const files = createComposerFiles(() => props.channelId);

  // Another channel (the route reuses this component): its own draft.
  createEffect(
    on(key, (k) => {
      setText(readDraft(k));
      setTrigger(null);
      picked.clear();
    }),
  );
  const save = (value: string) => {
    try {
      if (value) localStorage.setItem(key(), value);
      else localStorage.removeItem(key());
    } catch {
      // Storage denied: the draft lasts for this page.
    }
  };

  const options = createMemo<Option[]>(() => {
    const t = trigger();
    if (!t) return [];
    if (t.kind === "emoji") {
      if (!emojiReady()) return [];
      return searchEmoji(t.query, 8).map((e) => ({
        id: e.unicode,
        label: e.unicode,
        hint: `:${e.codes[0] ?? e.label}:`,
        insert: e.unicode,
      }));
    }
    const me = store.session.user()?.id ?? "";
    // The channel's members first, then others from the directory (marked: a mention does not reach them).
    const members = store.membersOf(props.channelId);
    const isMember = new Set(members.map((m) => m.id));
    const others = t.query
      ? matchPeople(directory.peopleFor(t.query), t.query, me).filter((p) => !isMember.has(p.id))
      : [];
    const people = [
      ...matchPeople(members, t.query, me).map((p) => ({ p, hint: "" })),
      ...others.map((p) => ({ p, hint: "not in channel" })),
    ]
      .slice(0, 8)
      .map(({ p, hint }) => ({
        id: p.id,
        label: p.displayName,
        hint,
        insert: `@${p.displayName}`,
        person: { id: p.id, name: p.displayName },
      }));
    const groups = ["channel", "here"]
      .filter((g) => g.startsWith(t.query.toLowerCase()))
      .map((g) => ({
        id: g,
        label: `@${g}`,
        hint: g === "here" ? "everyone online" : "everyone here",
        insert: `@${g}`,
      }));
    return [...people, ...groups];
  });

  function update(el: HTMLTextAreaElement) {
    const t = triggerAt(el.value, el.selectionStart);
    setTrigger(t);
    setActive(0);
    if (t?.kind === "mention") {
      store.loadMembers(props.channelId);
      if (t.query) directory.lookUp(t.query);
    }
    if (t?.kind === "emoji") void loadEmoji();
  }

  function choose(option: Option) {
    const t = trigger();
    if (!t || !box) return;
    const { text: next, caret } = replaceTrigger(text(), t, box.selectionStart, option.insert);
    if (option.person) picked.set(option.person.name, option.person.id);
    if (t.kind === "emoji") rememberEmoji(option.insert);
    setText(next);
    save(next);
    setTrigger(null);
    box.value = next;
    box.setSelectionRange(caret, caret);
    box.focus();
  }

  function insertAtCaret(value: string) {
    if (!box) return;
    const at = box.selectionStart ?? text().length;
    const next = `${text().slice(0, at)}${value}${text().slice(box.selectionEnd ?? at)}`;
    setText(next);
    save(next);
    box.value = next;
    box.setSelectionRange(at + value.length, at + value.length);
    box.focus();
  }

  function send() {
    const body = encodeMentions(text().trim(), picked);
    // With files, only once every one is stored; they go with the message, not with an "also to channel" copy.
    const attached = files.stored().map((f) => f.id);
    if ((!body && attached.length === 0) || files.busy()) return;
    store.send(props.channelId, body, props.parentId, attached);
    const members = new Set(store.membersOf(props.channelId).map((m) => m.id));
    setOutsiders(
      [...picked].filter(([, id]) => body.includes(`<@${id}>`) && !members.has(id)).map(([name, id]) => ({ id, name })),
    );
    files.clear();
    if (props.parentId && alsoToChannel() && body) store.send(props.channelId, body);
    setText("");
    save("");
    picked.clear();
    setTrigger(null);
  }

  /** Up in an empty box: edit my newest message here. */
  function editLast() {
    const me = store.session.user()?.id;
    const list = props.parentId
      ? store.threads.messages().filter((m) => m.id !== props.parentId)
      : store.messages.view(props.channelId);
    const mine = list.findLast((m) => m.authorId === me && !m.deletedAt);
    if (!mine) return false;
    store.setEditing(mine.id);
    return true;
  }

  onCleanup(() => setTrigger(null));

  return (
    <form
      class="composer"
      classList={{ dragging: files.dragging() }}
      onDragOver={files.dropHandlers.onDragOver}
      onDragLeave={files.dropHandlers.onDragLeave}
      onDrop={files.dropHandlers.onDrop}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <Show when={options().length > 0}>
        <div class="suggestions" id={listId} role="listbox" aria-label="Suggestions">
          <For each={options()}>
            {(o, i) => (
              <div
                id={`${listId}-${i()}`}
                role="option"
                tabIndex={-1}
                aria-selected={i() === active()}
                classList={{ active: i() === active() }}
                onPointerDown={(e) => {
                  e.preventDefault();
                  choose(o);
                }}
              >
                <Show when={o.person} fallback={<span class="suggest-emoji">{o.label}</span>}>
                  {(p) => <Avatar id={p().id} name={p().name} size={20} />}
                </Show>
                <Show when={o.person}>
                  <span>{o.label}</span>
                </Show>
                <span class="muted small">{o.hint}</span>
              </div>
            )}
          </For>
        </div>
      </Show>
      <Show when={outsiders().length > 0}>
        <NotInChannelNotice channelId={props.channelId} people={outsiders()} onDone={() => setOutsiders([])} />
      </Show>
      <UploadList files={files} />
      <div class="composer-box">
        <label class="sr-only" for={`composer-${listId}`}>
          {props.label ?? "Message"}
        </label>
        <textarea
          id={`composer-${listId}`}
          ref={box}
          rows={1}
          maxLength={4000}
          placeholder={props.placeholder ?? `Message ${name()}`}
          aria-autocomplete="list"
          aria-controls={options().length > 0 ? listId : undefined}
          aria-activedescendant={options().length > 0 ? `${listId}-${active()}` : undefined}
          value={text()}
          onInput={(e) => {
            setText(e.currentTarget.value);
            save(e.currentTarget.value);
            update(e.currentTarget);
            if (e.currentTarget.value.trim()) store.typing(props.channelId);
          }}
          onClick={(e) => update(e.currentTarget)}
          onPaste={files.onPaste}
          onBlur={() => setTrigger(null)}
          onKeyDown={(e) => {
            const list = options();
            if (list.length > 0) {
              if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                e.preventDefault();
                const step = e.key === "ArrowDown" ? 1 : -1;
                setActive((a) => (a + step + list.length) % list.length);
                return;
              }
              if (e.key === "Enter" || e.key === "Tab") {
                e.preventDefault();
                const o = list[active()];
                if (o) choose(o);
                return;
              }
              if (e.key === "Escape") {
                e.preventDefault();
                setTrigger(null);
                return;
              }
            }
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              send();
              return;
            }
            if (e.key === "ArrowUp" && !text() && editLast()) e.preventDefault();
          }}
        />
        <div class="composer-tools">
          <AttachButton files={files} />
          <button
            type="button"
            class="icon"
            aria-label="Insert emoji"
            title="Insert emoji"
            onClick={() => setPicking((p) => !p)}
          >
            ☺
          </button>
          <button
            type="submit"
            class="primary"
            aria-label="Send"
            disabled={(!text().trim() && files.stored().length === 0) || files.busy()}
          >
            Send
          </button>
        </div>
        <Show when={picking()}>
          <EmojiPicker onPick={insertAtCaret} onClose={() => setPicking(false)} />
        </Show>
      </div>
      <Show when={props.parentId}>
        <label class="inline small also-channel">
          <input
            type="checkbox"
            checked={alsoToChannel()}
            onChange={(e) => setAlsoToChannel(e.currentTarget.checked)}
          />
          Also send to{" "}
          {store.channels.byId(props.channelId)?.kind === "public" ||
          store.channels.byId(props.channelId)?.kind === "private"
            ? `#${name()}`
            : name()}
        </label>
      </Show>
    </form>
  );
}
