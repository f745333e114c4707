// Says when the chat socket is not live: connecting, reconnecting in N s (with "Try now"), or offline;
// and that what was sent meanwhile waits and goes out once the connection is back.
import { createSignal, onCleanup, Show } from "solid-js";
import { useStore } from "../store";

export function ConnectionBanner() {
  const store = useStore();
  const [now, setNow] = createSignal(Date.now());
  const [online, setOnline] = createSignal(navigator.onLine);
  const tick = setInterval(() => setNow(Date.now()), 500);
  const up = () => setOnline(true);
  const down = () => setOnline(false);
  window.addEventListener("online", up);
  window.addEventListener("offline", down);
  onCleanup(() => {
    clearInterval(tick);
    window.removeEventListener("online", up);
    window.removeEventListener("offline", down);
  });
  const waiting = () => store.messages.pending.filter((p) => p.status === "sending").length;
  const text = () => {
    const state = store.connection();
    if (state === "online") return "";
    if (!online()) return "You are offline.";
    const at = store.retryAt();
    if (state === "offline" && at) {
      const s = Math.max(0, Math.ceil((at - now()) / 1000));
      return s > 0 ? `Connection lost. Reconnecting in ${s} s…` : "Reconnecting…";
    }
    return "Connecting…";
  };
  return (
    <Show when={text()}>
      <div class="connection-banner" role="status" data-testid="connection-banner">
        <span>{text()}</span>
        <Show when={waiting() > 0}>
          <span>
            {waiting()} {waiting() === 1 ? "message waits" : "messages wait"} and will be sent when the connection is
            back.
          </span>
        </Show>
        <Show when={store.connection() === "offline"}>
          <button type="button" class="link" onClick={() => store.reconnectNow()}>
            Try now
          </button>
        </Show>
      </div>
    </Show>
  );
}
