// A person's page: who they are, what they wrote lately (with delete), where they are, where they are
// signed in (with sign-out, one session at a time) and what admins did to them.
import { createRoute, Link } from "@tanstack/solid-router";
import { For, Show } from "solid-js";
import { createConfirm } from "../components/confirm";
import { EmptyRow } from "../components/list-bits";
import { MessageTable } from "../components/message-table";
import { Time } from "../components/time";
import type { UserSession } from "../lib/api";
import { useStores } from "../store";
import { authedRoute } from "./authed";

function Sessions() {
  const { userPage } = useStores();
  const confirm = createConfirm();
  const ask = (session: UserSession) =>
    confirm.ask({
      title: "Sign out of this session?",
      body: () => (
        <p>
          {userPage.user()?.displayName} is signed out of {session.userAgent ?? "this browser"} at once: its open tabs
          close their connection and its push devices are forgotten. Their other sessions stay.
        </p>
      ),
      confirmLabel: "Sign out",
      reason: "optional",
      run: (reason) => userPage.endSession(session.id, reason),
    });
  return (
    <section aria-label="Sessions">
      <h3>Sessions</h3>
      <confirm.View />
      <table data-testid="sessions">
        <thead>
          <tr>
            <th>Browser</th>
            <th>IP</th>
            <th>Signed in</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={userPage.sessions()} fallback={<EmptyRow cols={5} text="Not signed in anywhere." />}>
            {(session) => (
              <tr data-testid="session-row">
                <td>{session.userAgent ?? "unknown"}</td>
                <td>{session.ip ?? ""}</td>
                <td>
                  <Time iso={session.createdAt} />
                </td>
                <td>
                  <Time iso={session.lastUsedAt} />
                </td>
                <td>
                  <button type="button" class="danger-link" onClick={() => ask(session)}>
                    Sign out…
                  </button>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </section>
  );
}

function UserPage() {
  const { userPage } = useStores();
  return (
    <Show when={userPage.user()} fallback={<p class="muted">Loading…</p>}>
      {(user) => (
        <>
          <header class="page-head">
            <h2 data-testid="user-page-name">{user().displayName}</h2>
            <span class="muted">
              {user().email} · {user().role} · <span class={`badge ${user().state}`}>{user().state}</span>
            </span>
          </header>
          <p>
            <Link to="/users">← All users</Link>
          </p>
          <section aria-label="Recent messages">
            <h3>Recent messages</h3>
            <MessageTable list={userPage.messages} showChannel onDelete={(m, r) => userPage.removeMessage(m, r)} />
          </section>
          <section aria-label="Channels">
            <h3>Channels</h3>
            <Show when={userPage.channels()}>
              {(c) => (
                <>
                  <p class="muted">
                    In {c().channels.length} channel(s) and {c().conversations} direct conversation(s).
                  </p>
                  <ul class="picks">
                    <For each={c().channels}>
                      {(channel) => (
                        <li>
                          <Link to="/moderation" search={{ channel: channel.id }} class="chip">
                            #{channel.name}
                            {channel.role === "admin" ? " (channel admin)" : ""}
                            {channel.archived ? " (archived)" : ""}
                          </Link>
                        </li>
                      )}
                    </For>
                  </ul>
                </>
              )}
            </Show>
          </section>
          <Sessions />
          <section aria-label="Audit trail">
            <h3>Audit trail</h3>
            <table data-testid="user-trail">
              <tbody>
                <For each={userPage.trail()} fallback={<EmptyRow cols={4} text="Nothing recorded." />}>
                  {(entry) => (
                    <tr>
                      <td>
                        <Time iso={entry.at} />
                      </td>
                      <td>
                        <code>{entry.action}</code>
                      </td>
                      <td>{entry.actor?.displayName ?? "system"}</td>
                      <td>{entry.reason ?? ""}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <Link to="/audit" search={{ target: user().email }}>
              Whole audit log for {user().displayName}
            </Link>
          </section>
        </>
      )}
    </Show>
  );
}

export const userPageRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/users/$id",
  loader: ({ context, params }) => context.stores.userPage.open(params.id),
  component: UserPage,
});
