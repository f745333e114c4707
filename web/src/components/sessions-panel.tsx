// My signed-in sessions, newest use first: sign one out, or sign out everywhere (this browser too).
import type { InferResponseType } from "hono/client";
import { createResource, For, Show } from "solid-js";
import { createAction } from "../shared/action";
import { ErrorText } from "../shared/error-text";
import { api, read } from "../shared/http";

type Session = InferResponseType<typeof api.api.me.sessions.$get, 200>["sessions"][number];

async function mySessions() {
  return (await read<{ sessions: Session[] }>(await api.api.me.sessions.$get())).sessions;
}

/** "Chrome on Linux" from a user agent, roughly, or the agent itself. */
function deviceOf(agent: string | null) {
  if (!agent) return "Unknown browser";
  const browser = /Edg\//.test(agent)
    ? "Edge"
    : /Firefox\//.test(agent)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(agent)
        ? "Chrome"
        : /Safari\//.test(agent)
          ? "Safari"
          : "Browser";
  const os = /Android/.test(agent)
    ? "Android"
    : /iPhone|iPad/.test(agent)
      ? "iOS"
      : /Mac OS X/.test(agent)
        ? "macOS"
        : /Windows/.test(agent)
          ? "Windows"
          : /Linux/.test(agent)
            ? "Linux"
            : "";
  return os ? `${browser} on ${os}` : browser;
}

export function SessionsPanel(props: { onSignedOut: () => void }) {
  const [sessions, { refetch }] = createResource(mySessions);
  const action = createAction();

  async function revoke(s: Session) {
    const ok = await action.run(async () => {
      await read(await api.api.me.sessions[":id"].$delete({ param: { id: s.id } }));
      return true;
    });
    if (ok && s.current) props.onSignedOut();
    else if (ok) void refetch();
  }

  async function everywhere() {
    const ok = await action.run(async () => {
      await read(await api.api.me.sessions["revoke-all"].$post());
      return true;
    });
    if (ok) props.onSignedOut();
  }

  return (
    <section class="sessions" data-testid="sessions">
      <ul class="directory">
        <For each={sessions() ?? []} fallback={<li class="muted">{sessions.loading ? "Loading…" : "None"}</li>}>
          {(s) => (
            <li data-testid="session">
              <div>
                <strong>{deviceOf(s.userAgent)}</strong>
                <Show when={s.current}>
                  <span class="tag">this browser</span>
                </Show>
                <div class="muted small">
                  {s.ip ?? "unknown address"} · last used {new Date(s.lastUsedAt).toLocaleString()}
                </div>
              </div>
              <button type="button" class="secondary" onClick={() => revoke(s)}>
                Sign out
              </button>
            </li>
          )}
        </For>
      </ul>
      <ErrorText error={action.error() || (sessions.error ? String(sessions.error) : "")} />
      <button type="button" class="p-button danger" onClick={everywhere}>
        Sign out everywhere
      </button>
    </section>
  );
}
