// "Threads": the threads I started or replied to, the most recently answered first; unread ones are marked
// (replies by others after what this device read and after my own last reply). A thread opens beside its
// channel.
import { createRoute, useNavigate } from "@tanstack/solid-router";
import { For, onMount, Show } from "solid-js";
import { DrawerToggle } from "../components/drawer-toggle";
import { MessageItem } from "../components/message-item";
import { useStore } from "../store";
import { appRoute } from "./app";

function ThreadsPage() {
  const store = useStore();
  const navigate = useNavigate();
  const me = () => store.session.user()?.id ?? "";
  onMount(() => void store.threads.loadMine().catch(() => {}));
  const open = (channelId: string, rootId: string) =>
    void navigate({ to: "/c/$channelId", params: { channelId }, search: { thread: rootId } });
  const where = (channelId: string) => {
    const c = store.channels.byId(channelId);
    return c ? (c.kind === "public" || c.kind === "private" ? `#${c.name}` : c.name) : "";
  };
  return (
    <main class="main threads-page">
      <header class="channel-header">
        <DrawerToggle />
        <h1 data-testid="channel-name">Threads</h1>
      </header>
      <div class="threads-list">
        <ul aria-label="Threads">
          <For
            each={store.threads.mine()}
            fallback={<li class="muted empty-note">Threads you start or reply to show here.</li>}
          >
            {(t) => (
              <li
                class="thread-card"
                classList={{ unread: store.threads.isUnread(t, me()) }}
                data-testid="my-thread"
                data-unread={store.threads.isUnread(t, me())}
              >
                <div class="thread-card-head">
                  <strong>{where(t.root.channelId)}</strong>
                  <Show when={store.threads.isUnread(t, me())}>
                    <span class="badge" data-testid="thread-unread">
                      new replies
                    </span>
                  </Show>
                </div>
                <MessageItem message={t.root} onReply={() => open(t.root.channelId, t.root.id)} />
              </li>
            )}
          </For>
        </ul>
      </div>
    </main>
  );
}

export const threadsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/threads",
  component: ThreadsPage,
});
