// Parley's service worker, built to /sw.js. It shows pushes (FCM delivers the notification as its data),
// withdraws what was deleted, and on a click brings the user to the channel at the message: an open tab
// is told to go there (and focused), else a new one opens. Every push shows something or takes something
// away; the text is the server's (title: channel or DM, body: sender + start, or "New message").
import { type ShownNotification, toShown } from "./payload";

declare const self: ServiceWorkerGlobalScope;

self.addEventListener("install", () => void self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// One push at a time, in order: Chromium drops a notification being shown when the registration's
// notifications are listed meanwhile (a withdraw lists them), and a withdraw must not overtake its show.
let steps: Promise<void> = Promise.resolve();

self.addEventListener("push", (event) => {
  let json: unknown = null;
  try {
    json = event.data?.json() ?? null;
  } catch {
    return;
  }
  const shown = toShown(json);
  if (!shown) return;
  const step = steps.then(() => show(shown));
  steps = step.catch(() => undefined);
  event.waitUntil(step);
});

async function show(n: ShownNotification) {
  if (n.kind === "withdraw") {
    for (const open of await self.registration.getNotifications({ tag: n.tag }))
      if ((open.data as ShownNotification | null)?.messageId === n.messageId) open.close();
    return;
  }
  await self.registration.showNotification(n.title, {
    body: n.body,
    tag: n.tag,
    data: n,
    // The first of a burst alerts; the rest replace it quietly (same tag).
    renotify: n.alert,
    silent: !n.alert,
    icon: "/icon.svg",
    timestamp: Date.now(),
  } as NotificationOptions);
  await (self.navigator as WorkerNavigator & { setAppBadge?: (n: number) => Promise<void> }).setAppBadge?.(n.unread);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data as ShownNotification | null;
  event.waitUntil(openAt(data?.url ?? "/"));
});

async function openAt(url: string) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const tab = windows.find((w) => new URL(w.url).origin === self.location.origin);
  if (!tab) {
    await self.clients.openWindow(url);
    return;
  }
  // The app navigates itself (no reload); focusing needs the click's user activation, so it may be refused.
  tab.postMessage({ type: "parley.open", url });
  await tab.focus().catch(() => undefined);
}
