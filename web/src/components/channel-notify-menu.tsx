import "./notifications.css";
import { createSignal, For, onCleanup, Show } from "solid-js";
import { useStore } from "../store";
import type { NotifyLevel } from "../store/notifications";

const LEVELS: { level: NotifyLevel; label: string; hint: string }[] = [
  { level: "all", label: "All new messages", hint: "every message, and replies in threads you follow" },
  { level: "mentions", label: "Mentions", hint: "@you, @channel, @here, and threads you follow" },
  { level: "nothing", label: "Nothing", hint: "no notifications from this channel" },
];
const SHORT: Record<NotifyLevel, string> = { all: "All", mentions: "Mentions", nothing: "Off" };

/** The channel's notification setting (all / mentions / nothing) and mute, from the channel header. */
export function ChannelNotifyMenu(props: { channelId: string }) {
  const store = useStore();
  const channel = () => store.channels.byId(props.channelId);
  const [open, setOpen] = createSignal(false);
  const [error, setError] = createSignal("");
  const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
  document.addEventListener("keydown", onKey);
  onCleanup(() => document.removeEventListener("keydown", onKey));

  async function change(prefs: { notifyLevel?: NotifyLevel; muted?: boolean }) {
    setError("");
    try {
      store.channels.setPreferences(
        props.channelId,
        await store.notifications.setChannelPreferences(props.channelId, prefs),
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <div class="notify-menu">
      <button
        type="button"
        class="notify-button"
        aria-haspopup="true"
        aria-expanded={open()}
        data-testid="channel-notify-button"
        onClick={() => setOpen(!open())}
      >
        {channel()?.muted ? "🔕 Muted" : `🔔 ${SHORT[channel()?.notifyLevel ?? "mentions"]}`}
      </button>
      <Show when={open() && channel()}>
        {(c) => (
          <section class="popover" aria-label="Notifications for this channel">
            <fieldset>
              <legend>Notify me about</legend>
              <For each={LEVELS}>
                {(option) => (
                  <label class="choice">
                    <input
                      type="radio"
                      name={`notify-${props.channelId}`}
                      checked={c().notifyLevel === option.level}
                      onChange={() => void change({ notifyLevel: option.level })}
                    />
                    <span>
                      {option.label}
                      <span class="muted small"> — {option.hint}</span>
                    </span>
                  </label>
                )}
              </For>
            </fieldset>
            <label class="inline">
              <input
                type="checkbox"
                checked={c().muted}
                onChange={(e) => void change({ muted: e.currentTarget.checked })}
              />{" "}
              Mute this channel
            </label>
            <Show when={error()}>
              <p class="error" role="alert">
                {error()}
              </p>
            </Show>
          </section>
        )}
      </Show>
    </div>
  );
}
