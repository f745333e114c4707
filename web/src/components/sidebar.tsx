import { Link } from "@tanstack/solid-router";
import { createSignal, For, Show } from "solid-js";
import { CallMark } from "../calls/call-entry";
import { Avatar } from "../shared/avatar";
import { useStore } from "../store";
import type { MyChannel } from "../store/channels";
import { BrowseDialog } from "./browse-dialog";
import { CreateDialog } from "./create-dialog";
import { DmDialog } from "./dm-dialog";
import { NotificationSettingsDialog } from "./notification-settings";
import { ProfileDialog } from "./profile-dialog";
import { SearchDialog } from "./search-dialog";
import { ThreadsLink } from "./threads-link";

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
        <CallMark channelId={props.channel.id} />
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
  const [dialog, setDialog] = createSignal<
    "browse" | "create" | "dm" | "search" | "notifications" | "profile" | "sessions" | null
  >(null);
  const me = () => store.session.user();
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
      <ThreadsLink />
      <ul>
        <li>
          <Link to="/people" class="channel-link" activeProps={{ "aria-current": "page" }}>
            <span class="hash" aria-hidden="true">
              👥
            </span>
            <span class="name">People</span>
          </Link>
        </li>
      </ul>
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
        {/* The name shown is part of the button's name (WCAG 2.5.3); "Your profile" is added for screen readers. */}
        <button type="button" class="me-button" onClick={() => setDialog("profile")}>
          <span class="sr-only">Your profile: </span>
          <Show when={me()}>{(u) => <Avatar id={u().id} name={u().displayName} url={u().avatarUrl} size={28} />}</Show>
          <span class="me-text">
            <span data-testid="me">{me()?.displayName}</span>
            <Show when={me()?.statusEmoji || me()?.statusText}>
              <span class="small" data-testid="my-status">
                {me()?.statusEmoji} {me()?.statusText}
              </span>
            </Show>
          </span>
        </button>
        <div class="me-links">
          <button
            type="button"
            class="link"
            data-testid="away-toggle"
            onClick={() => void store.setAway(!store.away())}
          >
            {store.away() ? "Set yourself active" : "Set yourself away"}
          </button>
          <button type="button" class="link" onClick={() => setDialog("notifications")}>
            Notifications
          </button>
          <button type="button" class="link" onClick={props.onLogout}>
            Sign out
          </button>
        </div>
      </footer>
      <Show when={dialog() === "profile"}>
        <ProfileDialog onClose={() => setDialog(null)} onSignedOut={props.onLogout} />
      </Show>
      <Show when={dialog() === "notifications"}>
        <NotificationSettingsDialog onClose={() => setDialog(null)} />
      </Show>
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
