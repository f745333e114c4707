// The push slice: the workspace's push switches and the pushes per minute of the last hour, kept live by
// polling while the page is open.
import { createSignal } from "solid-js";
import { gateway, type PushMinute, type PushSettings } from "../lib/api";

export function createPushStore() {
  const [settings, setSettings] = createSignal<PushSettings | null>(null);
  const [minutes, setMinutes] = createSignal<PushMinute[]>([]);
  const [error, setError] = createSignal("");
  const attempt = async (work: () => Promise<void>) => {
    try {
      await work();
      setError("");
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return {
    settings,
    minutes,
    error,
    load: () =>
      attempt(async () => {
        setSettings(await gateway.pushSettings());
      }),
    refresh: () =>
      attempt(async () => {
        setMinutes((await gateway.pushStats()).minutes);
      }),
    save: (edit: { enabled?: boolean; previews?: boolean }) =>
      attempt(async () => {
        setSettings(await gateway.setPushSettings(edit));
      }),
  };
}
export type PushStore = ReturnType<typeof createPushStore>;
