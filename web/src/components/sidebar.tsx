import { Link } from "@tanstack/solid-router";
import { createSignal, For, Show } from "solid-js";
import { useStore } from "../store";
import type { MyChannel } from "../store/channels";
import { BrowseDialog } from "./browse-dialog";
import { CreateDialog } from "./create-dialog";
import { DmDialog } from "./dm-dialog";
import { SearchDialog } from "./search-dialog";

function ChannelLink(props: { channel: MyChannel }) {
  const store = useStore();
  const dm = () => props.channel.kind === "dm" || props.channel.kind === "group";
  const other = () => props.channel.otherMembers[0];
  return (
    // The state classes sit on the <li>: Link owns its own class attribute (and its active state).
    <li
      classList={{ unread: props.channel.unreadCount > 0, active: store.channels.activeId() === props.channel.id }}
      data-testid={`channel-${props.channel.name}`}
    >
      <Link to="/c/$channelId" params={{ channelId: props.channel.id }} class="channel-link">
        <Show when={dm()} fallback={<span class="hash">#</span>}>
          <span
            class={`dot ${props.channel.kind === "dm" && other() ? store.presence.status(other()?.id ?? "") : "unknown"}`}
            title={props.channel.kind === "dm" ? store.presence.status(other()?.id ?? "") : "group"}
          />
        </Show>
        <span class="name">{props.channel.name}</span>
        <Show when={props.channel.mentionCount > 0}>
          <span class="badge" data-testid="mention-badge" title={`${props.channel.mentionCount} mentions`}>
            {props.channel.mentionCount}
          </span>
        </Show>
        <Show when={props.channel.unreadCount > 0}>
          <span class="sr-only" data-testid="unread-count">
            {props.channel.unreadCount} unread
          </span>
        </Show>
      </Link>
    </li>
  );
}

export function Sidebar(props: { onLogout: () => void }) {
  const store = useStore();
  const [dialog, setDialog] = createSignal<"browse" | "create" | "dm" | "search" | null>(null);
  const rooms = () => store.channels.list.filter((c) => c.kind === "public" || c.kind === "private");
  const dms = () => store.channels.list.filter((c) => c.kind === "dm" || c.kind === "group");
  return (
    <nav class="sidebar" aria-label="Channels">
      <header class="workspace">
        <strong>Parley</strong>
        <span class={`conn ${store.connection()}`} data-testid="connection" title={store.connection()}>
          {store.connection()}
        </span>
      </header>
      <button type="button" class="search-button" onClick={() => setDialog("search")}>
        Search messages
      </button>
      <div class="section">
        <h2>Channels</h2>
        <button type="button" class="icon" aria-label="Create channel" onClick={() => setDialog("create")}>
          +
        </button>
      </div>
      <ul>
        <For each={rooms()}>{(c) => <ChannelLink channel={c} />}</For>
      </ul>
      <button type="button" class="link" onClick={() => setDialog("browse")}>
        Browse channels
      </button>
      <div class="section">
        <h2>Direct messages</h2>
        <button type="button" class="icon" aria-label="New direct message" onClick={() => setDialog("dm")}>
          +
        </button>
      </div>
      <ul>
        <For each={dms()} fallback={<li class="muted small">No conversations yet</li>}>
          {(c) => <ChannelLink channel={c} />}
        </For>
      </ul>
      <footer class="me">
        <span data-testid="me">{store.session.user()?.displayName}</span>
        <button type="button" class="link" onClick={props.onLogout}>
          Sign out
        </button>
      </footer>
      <Show when={dialog() === "browse"}>
        <BrowseDialog onClose={() => setDialog(null)} />
      </Show>
      <Show when={dialog() === "search"}>
        <SearchDialog onClose={() => setDialog(null)} />
      </Show>
      <Show when={dialog() === "dm"}>
        <DmDialog onClose={() => setDialog(null)} />
      </Show>
      <Show when={dialog() === "create"}>
        <CreateDialog onClose={() => setDialog(null)} />
      </Show>
    </nav>
  );
}
