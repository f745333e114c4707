// The notifications slice: the browser's permission and when to ask for it, do not disturb and quiet hours,
// the devices that receive pushes, and per-channel settings (all / mentions / nothing, mute).
import { createSignal } from "solid-js";
import * as push from "../lib/push";
import { api, read } from "../shared/http";

export type NotifyLevel = "all" | "mentions" | "nothing";

export interface NotificationSettings {
  dndUntil: string | null;
  quietHours: { start: string; end: string } | null;
  timeZone: string;
}

export interface PushDevice {
  id: string;
  platform: "web" | "android" | "ios";
  label: string;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

/** "Not now" holds for this long before the question may come again. */
const PROMPT_PAUSE_MS = 7 * 24 * 3600_000;
const PROMPT_KEY = "parley.notifications.prompt-dismissed-at";

export function createNotifications() {
  const [permission, setPermission] = createSignal<push.Permission>(push.permission());
  const [asking, setAsking] = createSignal(false);
  const [settings, setSettings] = createSignal<NotificationSettings | null>(null);
  const [devices, setDevices] = createSignal<PushDevice[]>([]);
  const [pushSetup, setPushSetup] = createSignal<push.PushSetup | null>(null);

  const dismissedLately = () => Date.now() - Number(localStorage.getItem(PROMPT_KEY) ?? 0) < PROMPT_PAUSE_MS;

  /**
   * The moment to ask: the person has just written something here, so they are using Parley, not merely
   * passing through; never on first load, never again once they decided, and not for a week after "Not now".
   */
  function engaged() {
    if (permission() === "default" && !dismissedLately()) setAsking(true);
  }

  /** From a click: the browser's prompt, then (granted) FCM registration where the workspace has it. */
  async function enable() {
    setAsking(false);
    const result = await push.askPermission();
    setPermission(result);
    if (result === "granted") setPushSetup(await push.registerForPush().catch(() => "failed" as const));
  }

  function notNow() {
    localStorage.setItem(PROMPT_KEY, String(Date.now()));
    setAsking(false);
  }

  /** After sign-in: the service worker, and this browser's FCM token when allowed already. */
  async function start() {
    setPermission(push.permission());
    await push.serviceWorker();
    if (permission() === "granted") setPushSetup(await push.registerForPush().catch(() => "failed" as const));
  }

  async function loadSettings() {
    setSettings(await read<NotificationSettings>(await api.api.notifications.settings.$get()));
  }

  async function saveSettings(edit: { dndUntil?: string | null; quietHours?: { start: string; end: string } | null }) {
    setSettings(await read<NotificationSettings>(await api.api.notifications.settings.$put({ json: edit })));
  }

  /** Quiet hours are read in the profile's time zone: this sets it to the browser's. */
  async function useBrowserTimeZone() {
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    await read(await api.api.me.$patch({ json: { timeZone } }));
    await loadSettings();
  }

  async function loadDevices() {
    setDevices((await read<{ devices: PushDevice[] }>(await api.api.notifications.devices.$get())).devices);
  }

  async function removeDevice(id: string) {
    await read(await api.api.notifications.devices[":id"].$delete({ param: { id } }));
    setDevices(devices().filter((d) => d.id !== id));
  }

  async function setChannelPreferences(channelId: string, prefs: { notifyLevel?: NotifyLevel; muted?: boolean }) {
    return read<{ muted: boolean; notifyLevel: NotifyLevel }>(
      await api.api.channels[":id"].preferences.$patch({ param: { id: channelId }, json: prefs }),
    );
  }

  return {
    permission,
    asking,
    engaged,
    enable,
    notNow,
    start,
    pushSetup,
    settings,
    loadSettings,
    saveSettings,
    useBrowserTimeZone,
    devices,
    loadDevices,
    removeDevice,
    setChannelPreferences,
  };
}
export type NotificationsSlice = ReturnType<typeof createNotifications>;
