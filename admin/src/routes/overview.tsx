import { createRoute } from "@tanstack/solid-router";
import { For, Show } from "solid-js";
import { ErrorText } from "web/shared";
import { ServerStatus } from "../components/server-status";
import { ROLES, STATES } from "../lib/api";
import { useStores } from "../store";
import { authedRoute } from "./authed";

function Counts(props: { title: string; counts: Record<string, number>; keys: string[] }) {
  return (
    <section class="card">
      <h3>{props.title}</h3>
      <dl class="counts">
        <For each={props.keys}>
          {(key) => (
            <div>
              <dt>{key}</dt>
              <dd data-testid={`count-${key}`}>{props.counts[key] ?? 0}</dd>
            </div>
          )}
        </For>
      </dl>
    </section>
  );
}

function Overview() {
  const { stats } = useStores();
  const max = () => Math.max(1, ...(stats.stats()?.signInsPerDay.map((d) => d.count) ?? []));
  return (
    <>
      <header class="page-head">
        <h2>Overview</h2>
        <ServerStatus />
      </header>
      <ErrorText error={stats.error()} />
      <Show when={stats.stats()}>
        {(s) => (
          <>
            <div class="cards">
              <section class="card">
                <h3>Users</h3>
                <p class="big" data-testid="users-total">
                  {s().users.total}
                </p>
              </section>
              <Counts title="By state" counts={s().users.byState} keys={STATES} />
              <Counts title="By role" counts={s().users.byRole} keys={ROLES} />
            </div>
            <section class="card">
              <h3>Sign-ins per day (last 30 days, UTC)</h3>
              <Show when={s().signInsPerDay.length > 0} fallback={<p class="muted">No sign-ins yet.</p>}>
                <ul class="bars" data-testid="sign-ins">
                  <For each={s().signInsPerDay}>
                    {(d) => (
                      <li title={`${d.day}: ${d.count}`}>
                        <span class="n">{d.count || ""}</span>
                        <span class="bar" style={{ height: `${Math.round((d.count / max()) * 130)}px` }} />
                        <span class="day">{d.day.slice(5)}</span>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </section>
          </>
        )}
      </Show>
    </>
  );
}

export const overviewRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/",
  loader: ({ context }) => context.stores.stats.load(),
  component: Overview,
});
