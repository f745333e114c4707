// Ctrl-K (Cmd-K): jump to any of my channels or conversations by typing part of its name.
import { useNavigate } from "@tanstack/solid-router";
import { createMemo, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { useStore } from "../store";
import { Modal } from "./modal";

export function QuickSwitcher() {
  const [open, setOpen] = createSignal(false);
  const onKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
      e.preventDefault();
      setOpen((o) => !o);
    }
  };
  document.addEventListener("keydown", onKey);
  onCleanup(() => document.removeEventListener("keydown", onKey));
  return (
    <Show when={open()}>
      <Switcher onClose={() => setOpen(false)} />
    </Show>
  );
}

function Switcher(props: { onClose: () => void }) {
  const store = useStore();
  const navigate = useNavigate();
  const [query, setQuery] = createSignal("");
  const [active, setActive] = createSignal(0);
  let input: HTMLInputElement | undefined;
  onMount(() => input?.focus());
  const matches = createMemo(() => {
    const q = query().trim().toLowerCase();
    return store.channels.list
      .filter((c) => c.name.toLowerCase().includes(q))
      .sort(
        (a, b) =>
          Number(b.name.toLowerCase().startsWith(q)) - Number(a.name.toLowerCase().startsWith(q)) ||
          b.unreadCount - a.unreadCount ||
          a.name.localeCompare(b.name),
      )
      .slice(0, 12);
  });
  const go = (channelId: string) => {
    props.onClose();
    void navigate({ to: "/c/$channelId", params: { channelId } });
  };
  return (
    <Modal title="Jump to a conversation" onClose={props.onClose}>
      <input
        ref={input}
        type="search"
        aria-label="Channel or person"
        aria-controls="switcher-list"
        aria-activedescendant={matches().length ? `switcher-${active()}` : undefined}
        placeholder="Channel or person"
        value={query()}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          const n = matches().length;
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            if (n) setActive((a) => (a + (e.key === "ArrowDown" ? 1 : -1) + n) % n);
          }
          if (e.key === "Enter") {
            e.preventDefault();
            const c = matches()[active()];
            if (c) go(c.id);
          }
        }}
      />
      <div class="switcher-list" id="switcher-list" role="listbox" aria-label="Conversations">
        <For each={matches()} fallback={<p class="muted">Nothing matches.</p>}>
          {(c, i) => (
            <div
              id={`switcher-${i()}`}
              role="option"
              tabIndex={-1}
              aria-selected={i() === active()}
              classList={{ active: i() === active(), unread: c.unreadCount > 0 }}
              onPointerDown={(e) => {
                e.preventDefault();
                go(c.id);
              }}
            >
              <span>{c.kind === "public" || c.kind === "private" ? `# ${c.name}` : c.name}</span>
              <Show when={c.unreadCount > 0}>
                <span class="muted small">{c.unreadCount} unread</span>
              </Show>
            </div>
          )}
        </For>
      </div>
    </Modal>
  );
}
