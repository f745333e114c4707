import "./notifications.css";
import { Show } from "solid-js";
import { useStore } from "../store";

/** Asks, once the person has written something here, whether the browser may notify them. */
export function NotificationPrompt() {
  const { notifications } = useStore();
  return (
    <Show when={notifications.asking()}>
      <section class="notify-prompt" aria-label="Desktop notifications">
        <p>Get notified of direct messages and mentions while Parley is in the background.</p>
        <div class="row">
          <button type="button" class="primary" onClick={() => void notifications.enable()}>
            Turn on notifications
          </button>
          <button type="button" class="link" onClick={() => notifications.notNow()}>
            Not now
          </button>
        </div>
      </section>
    </Show>
  );
}
