import { createEffect, onCleanup } from "solid-js";
import { useStore } from "../store";

/** The tab's title carries the unread count of the channels that are not muted: "(3) Parley". */
export function UnreadTitle() {
  const store = useStore();
  createEffect(() => {
    const unread = store.channels.list.reduce((n, c) => n + (c.muted ? 0 : c.unreadCount), 0);
    document.title = unread > 0 ? `(${unread}) Parley` : "Parley";
    const badge = navigator as Navigator & { setAppBadge?: (n: number) => Promise<void> };
    void badge.setAppBadge?.(unread).catch(() => {});
  });
  onCleanup(() => {
    document.title = "Parley";
  });
  return null;
}
