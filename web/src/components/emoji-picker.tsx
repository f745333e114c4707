// The emoji picker: search by short code, name or keyword, recently used first, then by group.
import { createSignal, For, onCleanup, onMount, Show } from "solid-js";
import {
  emojiInGroup,
  emojiReady,
  GROUPS,
  labelOf,
  loadEmoji,
  recentEmoji,
  rememberEmoji,
  searchEmoji,
} from "../lib/emoji";

export function EmojiPicker(props: { onPick: (emoji: string) => void; onClose: () => void }) {
  const [query, setQuery] = createSignal("");
  const [group, setGroup] = createSignal(GROUPS[0]?.[0] ?? 0);
  let box: HTMLDivElement | undefined;
  let input: HTMLInputElement | undefined;
  void loadEmoji();
  onMount(() => input?.focus());
  const outside = (e: PointerEvent) => {
    if (box && !box.contains(e.target as Node)) props.onClose();
  };
  onMount(() => document.addEventListener("pointerdown", outside, true));
  onCleanup(() => document.removeEventListener("pointerdown", outside, true));

  const pick = (unicode: string) => {
    rememberEmoji(unicode);
    props.onPick(unicode);
    props.onClose();
  };
  const shown = () => (query().trim() ? searchEmoji(query().trim(), 80).map((e) => e.unicode) : null);
  const cell = (unicode: string) => (
    <button
      type="button"
      class="emoji-cell"
      title={labelOf(unicode)}
      aria-label={labelOf(unicode)}
      onClick={() => pick(unicode)}
    >
      {unicode}
    </button>
  );

  return (
    <div
      class="emoji-picker"
      role="dialog"
      aria-label="Pick an emoji"
      ref={box}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          props.onClose();
        }
      }}
    >
      <input
        ref={input}
        type="search"
        placeholder="Search emoji"
        aria-label="Search emoji"
        value={query()}
        onInput={(e) => setQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          const first = shown()?.[0];
          if (e.key === "Enter" && first) {
            e.preventDefault();
            pick(first);
          }
        }}
      />
      <Show when={emojiReady()} fallback={<p class="muted small">Loading emoji…</p>}>
        <Show
          when={shown()}
          fallback={
            <>
              <Show when={recentEmoji().length > 0}>
                <p class="emoji-heading">Recent</p>
                <div class="emoji-grid" data-testid="recent-emoji">
                  <For each={recentEmoji()}>{cell}</For>
                </div>
              </Show>
              <div class="emoji-tabs" role="tablist" aria-label="Emoji groups">
                <For each={GROUPS}>
                  {([id, name]) => (
                    <button
                      type="button"
                      role="tab"
                      aria-selected={group() === id}
                      title={name}
                      aria-label={name}
                      onClick={() => setGroup(id)}
                    >
                      {emojiInGroup(id)[0]?.unicode}
                    </button>
                  )}
                </For>
              </div>
              <div class="emoji-grid" role="tabpanel">
                <For each={emojiInGroup(group())}>{(e) => cell(e.unicode)}</For>
              </div>
            </>
          }
        >
          {(list) => (
            <div class="emoji-grid" data-testid="emoji-results">
              <For each={list()} fallback={<p class="muted small">No emoji match.</p>}>
                {cell}
              </For>
            </div>
          )}
        </Show>
      </Show>
    </div>
  );
}
