import "./notifications.css";
import { createSignal, For, onMount, Show } from "solid-js";
import { useStore } from "../store";
import { Modal } from "./modal";

const time = (iso: string) =>
  new Date(iso).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });

/** Tomorrow at 9:00 in this browser's time. */
function tomorrowMorning() {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  return d;
}

/** Desktop notifications, do not disturb, quiet hours and the devices that get pushes. */
export function NotificationSettingsDialog(props: { onClose: () => void }) {
  const { notifications: n } = useStore();
  const [error, setError] = createSignal("");
  const [start, setStart] = createSignal("22:00");
  const [end, setEnd] = createSignal("07:00");
  const attempt = (p: Promise<unknown>) =>
    p.then(
      () => setError(""),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  onMount(() => {
    void attempt(
      Promise.all([n.loadSettings(), n.loadDevices()]).then(() => {
        const q = n.settings()?.quietHours;
        if (q) {
          setStart(q.start);
          setEnd(q.end);
        }
      }),
    );
  });
  const snooze = (ms: number | Date) =>
    attempt(n.saveSettings({ dndUntil: new Date(typeof ms === "number" ? Date.now() + ms : ms).toISOString() }));
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <Modal title="Notifications" onClose={props.onClose}>
      <div class="notify-settings">
        <section>
          <h3>This browser</h3>
          <Show
            when={n.permission() === "granted"}
            fallback={
              <p>
                <Show
                  when={n.permission() === "denied"}
                  fallback={
                    <button type="button" class="primary" onClick={() => void attempt(n.enable())}>
                      Turn on desktop notifications
                    </button>
                  }
                >
                  Notifications are blocked for this site: allow them in the browser's site settings.
                </Show>
              </p>
            }
          >
            <p data-testid="permission-state">Desktop notifications are on.</p>
          </Show>
        </section>

        <section>
          <h3>Do not disturb</h3>
          <Show
            when={n.settings()?.dndUntil}
            fallback={
              <div class="row">
                <button type="button" onClick={() => void snooze(30 * 60_000)}>
                  30 minutes
                </button>
                <button type="button" onClick={() => void snooze(3600_000)}>
                  1 hour
                </button>
                <button type="button" onClick={() => void snooze(tomorrowMorning())}>
                  Until tomorrow
                </button>
              </div>
            }
          >
            {(until) => (
              <p class="row">
                <span data-testid="dnd-state">Paused until {time(until())}</span>
                <button type="button" onClick={() => void attempt(n.saveSettings({ dndUntil: null }))}>
                  Resume
                </button>
              </p>
            )}
          </Show>
        </section>

        <section>
          <h3>Quiet hours</h3>
          <p class="muted small">
            Every day, in your time zone ({n.settings()?.timeZone ?? "…"}).
            <Show when={n.settings() && n.settings()?.timeZone !== browserZone}>
              {" "}
              <button type="button" class="link" onClick={() => void attempt(n.useBrowserTimeZone())}>
                Use {browserZone}
              </button>
            </Show>
          </p>
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault();
              void attempt(n.saveSettings({ quietHours: { start: start(), end: end() } }));
            }}
          >
            <label>
              From
              <input type="time" required value={start()} onInput={(e) => setStart(e.currentTarget.value)} />
            </label>
            <label>
              to
              <input type="time" required value={end()} onInput={(e) => setEnd(e.currentTarget.value)} />
            </label>
            <button type="submit">Save quiet hours</button>
            <Show when={n.settings()?.quietHours}>
              <button type="button" class="link" onClick={() => void attempt(n.saveSettings({ quietHours: null }))}>
                Turn off
              </button>
            </Show>
          </form>
          <Show when={n.settings()?.quietHours}>
            {(q) => (
              <p class="small" data-testid="quiet-state">
                Quiet from {q().start} to {q().end}.
              </p>
            )}
          </Show>
        </section>

        <section>
          <h3>Devices that get pushes</h3>
          <ul class="devices" data-testid="devices">
            <For each={n.devices()} fallback={<li class="muted small">None yet.</li>}>
              {(device) => (
                <li>
                  <span>
                    {device.label || device.platform}
                    <Show when={device.current}>
                      <span class="muted small"> (this browser)</span>
                    </Show>
                    <span class="muted small"> · last seen {time(device.lastSeenAt)}</span>
                  </span>
                  <button type="button" class="link" onClick={() => void attempt(n.removeDevice(device.id))}>
                    Remove
                  </button>
                </li>
              )}
            </For>
          </ul>
        </section>
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
      </div>
    </Modal>
  );
}
