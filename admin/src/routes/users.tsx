import { createRoute } from "@tanstack/solid-router";
import { createSignal, For, Show } from "solid-js";
import { ErrorText } from "web/shared";
import { BulkBar } from "../components/bulk-bar";
import { debounced } from "../components/debounce";
import { EmptyRow, LoadMore } from "../components/list-bits";
import { Time } from "../components/time";
import { UserCreate } from "../components/user-create";
import { UserDetail } from "../components/user-detail";
import { ROLES, type Role, STATES, type UserState } from "../lib/api";
import { useStores } from "../store";
import type { Sort } from "../store/users";
import { authedRoute } from "./authed";

function SortHeader(props: { sort: Sort; label: string }) {
  const { users } = useStores();
  const arrow = () => {
    if (users.filters.sort !== props.sort) return "";
    const order = users.filters.order || (props.sort === "createdAt" ? "desc" : "asc");
    return order === "asc" ? " ▲" : " ▼";
  };
  return (
    <th>
      <button type="button" class="link" onClick={() => users.sortBy(props.sort)}>
        {props.label}
        {arrow()}
      </button>
    </th>
  );
}

function Filters() {
  const { users } = useStores();
  const search = debounced((q: string) => users.filter({ q }));
  return (
    <div class="filters">
      <input
        type="search"
        name="q"
        placeholder="Search email or name (prefix)"
        value={users.filters.q}
        onInput={(e) => search(e.currentTarget.value)}
      />
      <select
        name="role"
        value={users.filters.role}
        onChange={(e) => users.filter({ role: e.currentTarget.value as Role | "" })}
      >
        <option value="">any role</option>
        <For each={ROLES}>{(r) => <option value={r}>{r}</option>}</For>
      </select>
      <select
        name="state"
        value={users.filters.state}
        onChange={(e) => users.filter({ state: e.currentTarget.value as UserState | "" })}
      >
        <option value="">any state</option>
        <For each={STATES}>{(s) => <option value={s}>{s}</option>}</For>
      </select>
    </div>
  );
}

function Users() {
  const { users } = useStores();
  const state = users.list.state;
  const [ticked, setTicked] = createSignal<ReadonlySet<string>>(new Set());
  const tick = (id: string, on: boolean) =>
    setTicked((set) => {
      const next = new Set(set);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const selected = () => state.items.filter((u) => ticked().has(u.id));
  return (
    <>
      <header class="page-head">
        <h2>Users</h2>
      </header>
      <UserCreate />
      <Filters />
      <ErrorText error={state.error} />
      <BulkBar selected={selected()} onDone={() => setTicked(new Set<string>())} />
      <div class="split">
        <div class="grow">
          <table data-testid="users">
            <thead>
              <tr>
                <th>
                  <span class="visually-hidden">Select</span>
                </th>
                <SortHeader sort="name" label="Name" />
                <SortHeader sort="email" label="Email" />
                <th>Role</th>
                <th>State</th>
                <SortHeader sort="createdAt" label="Created" />
              </tr>
            </thead>
            <tbody>
              <For
                each={state.items}
                fallback={<EmptyRow cols={6} text={state.loading ? "Loading…" : "No users match."} />}
              >
                {(user) => (
                  <tr
                    data-testid="user-row"
                    data-email={user.email}
                    classList={{ selected: users.selected()?.id === user.id }}
                    onClick={() => users.select(user.id)}
                  >
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${user.displayName}`}
                        checked={ticked().has(user.id)}
                        onClick={(e) => e.stopPropagation()}
                        onChange={(e) => tick(user.id, e.currentTarget.checked)}
                      />
                    </td>
                    <td data-testid="user-name">{user.displayName}</td>
                    <td>{user.email}</td>
                    <td>{user.role}</td>
                    <td>
                      <span class={`badge ${user.state}`} data-testid="user-state">
                        {user.state}
                      </span>
                    </td>
                    <td>
                      <Time iso={user.createdAt} />
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <LoadMore list={users.list} />
        </div>
        <Show when={users.selected()}>{(user) => <UserDetail user={user()} />}</Show>
      </div>
    </>
  );
}

export const usersRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/users",
  loader: ({ context }) => context.stores.users.list.load(),
  component: Users,
});
