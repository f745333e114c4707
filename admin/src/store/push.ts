// The push slice: the workspace's push switches and the pushes per minute of the last hour, kept live by
// polling while the page is open.
import { createSignal } from "solid-js";
import { gateway, type PushMinute, type PushSettings } from "../lib/api";

export function createPushStore() {
  const [settings, setSettings] = createSignal<PushSettings | null>(null);
  const [minutes, setMinutes] = createSignal<PushMinute[]>([]);
  const [error, setError] = createSignal("");
  let saves = 0;
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
    // A switch shows its new state at once, and only the answer to the latest save is shown: switching two
    // in a row, the first save's answer (which still holds the second switch's old value) flipped the second
    // back until its own answer came (seen in push.test under load).
    save: (edit: { enabled?: boolean; previews?: boolean }) => {
      const mine = ++saves;
      setSettings((s) => (s ? { ...s, ...edit } : s));
      return attempt(async () => {
        try {
          const saved = await gateway.setPushSettings(edit);
          if (mine === saves) setSettings(saved);
        } catch (e) {
          // Not saved: show what the server holds, not what was asked.
          if (mine === saves) setSettings(await gateway.pushSettings().catch(() => settings()));
          throw e;
        }
      });
    },
  };
}
export type PushStore = ReturnType<typeof createPushStore>;
