// Push notifications for the whole workspace: FCM pushes on or off, previews shown or hidden, and how many
// pushes went out (and failed) per minute over the last hour, refreshed every few seconds.
import { createRoute } from "@tanstack/solid-router";
import "./push.css";
import { For, onCleanup, onMount, Show } from "solid-js";
import { ErrorText } from "web/shared";
import { useStores } from "../store";
import { authedRoute } from "./authed";

const REFRESH_MS = 5000;
const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

function PushPage() {
  const { push } = useStores();
  onMount(() => {
    void push.refresh();
    const timer = setInterval(() => void push.refresh(), REFRESH_MS);
    onCleanup(() => clearInterval(timer));
  });
  const total = (key: "sent" | "failed" | "browser", last = 60) =>
    push
      .minutes()
      .slice(-last)
      .reduce((n, m) => n + m[key], 0);
  const max = () => Math.max(1, ...push.minutes().map((m) => m.sent + m.failed));
  return (
    <>
      <header class="page-head">
        <h2>Push notifications</h2>
      </header>
      <ErrorText error={push.error()} />
      <Show when={push.settings()}>
        {(s) => (
          <section class="card push-settings">
            <h3>Workspace</h3>
            <Show when={!s().fcmConfigured}>
              <p class="muted" data-testid="fcm-missing">
                No Firebase service account is configured (FCM_SERVICE_ACCOUNT): pushes cannot reach closed browsers or
                phones. Open tabs are notified all the same.
              </p>
            </Show>
            <label class="check">
              <input
                type="checkbox"
                checked={s().enabled}
                onChange={(e) => void push.save({ enabled: e.currentTarget.checked })}
              />
              Send push notifications (FCM)
            </label>
            <label class="check">
              <input
                type="checkbox"
                checked={s().previews}
                onChange={(e) => void push.save({ previews: e.currentTarget.checked })}
              />
              Show message previews (sender and text); off: "New message" only
            </label>
          </section>
        )}
      </Show>
      <div class="cards">
        <section class="card">
          <h3>Sent, last 5 minutes</h3>
          <p class="big" data-testid="push-sent-5m">
            {total("sent", 5)}
          </p>
        </section>
        <section class="card">
          <h3>Failed, last 5 minutes</h3>
          <p class="big" data-testid="push-failed-5m">
            {total("failed", 5)}
          </p>
        </section>
        <section class="card">
          <h3>Shown in open tabs, last 5 minutes</h3>
          <p class="big" data-testid="push-browser-5m">
            {total("browser", 5)}
          </p>
        </section>
      </div>
      <section class="card">
        <h3>Pushes per minute, last hour</h3>
        <p class="muted">
          {total("sent")} sent, {total("failed")} failed (dead tokens and refusals). Refreshed every {REFRESH_MS / 1000}{" "}
          s.
        </p>
        <ul class="bars push-bars" data-testid="push-minutes">
          <For each={push.minutes()}>
            {(m) => (
              <li title={`${clock(m.minute)}: ${m.sent} sent, ${m.failed} failed, ${m.browser} in tabs`}>
                <span class="n">{m.sent + m.failed || ""}</span>
                <span class="bar failed" style={{ height: `${Math.round((m.failed / max()) * 130)}px` }} />
                <span class="bar" style={{ height: `${Math.round((m.sent / max()) * 130)}px` }} />
              </li>
            )}
          </For>
        </ul>
        <p class="legend muted">
          <span class="swatch" /> sent <span class="swatch failed" /> failed ·{" "}
          {clock(push.minutes()[0]?.minute ?? new Date().toISOString())} to now
        </p>
      </section>
    </>
  );
}

export const pushRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/push",
  loader: ({ context }) => context.stores.push.load(),
  component: PushPage,
});
