import { Link } from "@tanstack/solid-router";
import { Show } from "solid-js";
import { useStore } from "../store";

/** The sidebar's way to the Threads view, with how many of my threads have new replies. */
export function ThreadsLink() {
  const store = useStore();
  const unread = () => store.threads.unreadCount(store.session.user()?.id ?? "");
  return (
    <ul>
      <li classList={{ unread: unread() > 0 }} data-testid="threads-link">
        <Link to="/threads" class="channel-link" activeProps={{ "aria-current": "page" }}>
          <span class="hash" aria-hidden="true">
            🧵
          </span>
          <span class="name">Threads</span>
          <Show when={unread() > 0}>
            <span class="badge" data-testid="threads-unread" title={`${unread()} threads with new replies`}>
              {unread()}
            </span>
          </Show>
        </Link>
      </li>
    </ul>
  );
}
