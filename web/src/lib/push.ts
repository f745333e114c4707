// The browser side of notifications: the service worker (/sw.js), the permission, FCM registration when the
// workspace has a Firebase web config, and showing what the socket brings the way the service worker shows
// a push (same tag, so one notification per channel whichever way it came).
import type { PushNotification } from "api/client";
import { api, read } from "../shared/http";

export type Permission = NotificationPermission | "unsupported";

export function permission(): Permission {
  return "Notification" in window ? Notification.permission : "unsupported";
}

let registration: Promise<ServiceWorkerRegistration | null> | undefined;

/** Registers /sw.js once per page. Registering asks the user nothing; showing notifications needs permission. */
export function serviceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!("serviceWorker" in navigator)) return Promise.resolve(null);
  registration ??= navigator.serviceWorker
    .register("/sw.js")
    .then(() => navigator.serviceWorker.ready)
    .catch(() => null);
  return registration;
}

/** Asks for permission: only ever from a click (browsers ignore or punish prompts nobody asked for). */
export async function askPermission(): Promise<Permission> {
  if (permission() === "unsupported") return "unsupported";
  return Notification.requestPermission();
}

const optionsOf = (n: PushNotification) =>
  ({
    body: n.body,
    tag: n.tag,
    data: n,
    renotify: n.alert,
    silent: !n.alert,
    icon: "/icon.svg",
  }) as NotificationOptions;

// One notification step at a time, in the order they came: Chromium drops a notification being shown
// when the registration's notifications are listed meanwhile (a withdraw lists them), and a withdraw
// must not overtake the show of its own message.
let steps: Promise<void> = Promise.resolve();

/** Shows (kind "message") or takes away ("withdraw") a notification that came over the socket. */
export function showInBrowser(n: PushNotification, open: (url: string) => void): Promise<void> {
  const step = steps.then(() => showNow(n, open));
  steps = step.catch(() => undefined);
  return step;
}

async function showNow(n: PushNotification, open: (url: string) => void): Promise<void> {
  if (permission() !== "granted") return;
  const sw = await serviceWorker();
  if (n.kind === "withdraw") {
    for (const shown of (await sw?.getNotifications({ tag: n.tag })) ?? [])
      if ((shown.data as PushNotification | null)?.messageId === n.messageId) shown.close();
    return;
  }
  if (sw) return sw.showNotification(n.title, optionsOf(n));
  // No service worker (an old browser): a page notification, whose click this page handles itself.
  const shown = new Notification(n.title, optionsOf(n));
  shown.onclick = () => {
    window.focus();
    open(n.url);
    shown.close();
  };
}

/** Calls `go` when a notification click asks this tab to show a channel (the service worker's message). */
export function onOpenRequest(go: (url: string) => void): () => void {
  if (!("serviceWorker" in navigator)) return () => {};
  const listener = (event: MessageEvent) => {
    const data = event.data as { type?: string; url?: unknown } | null;
    if (data?.type === "parley.open" && typeof data.url === "string" && data.url.startsWith("/")) go(data.url);
  };
  navigator.serviceWorker.addEventListener("message", listener);
  return () => navigator.serviceWorker.removeEventListener("message", listener);
}

export type PushSetup = "registered" | "no-fcm" | "not-permitted" | "failed";

/**
 * With the permission granted and a Firebase web config on the server, registers this browser's FCM token
 * so pushes reach it with the tab closed. Firebase's SDK is loaded only then (it is large).
 */
export async function registerForPush(): Promise<PushSetup> {
  const config = await read<{ fcm: boolean; firebase: ({ vapidKey: string } & Record<string, string>) | null }>(
    await api.api.notifications.config.$get(),
  );
  if (!config.fcm || !config.firebase) return "no-fcm";
  if (permission() !== "granted") return "not-permitted";
  const sw = await serviceWorker();
  if (!sw) return "failed";
  try {
    const [{ getApps, initializeApp }, { getMessaging, getToken }] = await Promise.all([
      import("firebase/app"),
      import("firebase/messaging"),
    ]);
    const { vapidKey, ...web } = config.firebase;
    const app = getApps().find((a) => a.name === "parley") ?? initializeApp(web, "parley");
    const token = await getToken(getMessaging(app), { vapidKey, serviceWorkerRegistration: sw });
    await read(await api.api.notifications.devices.$post({ json: { token, platform: "web" } }));
    return "registered";
  } catch {
    return "failed";
  }
}
