import { createRoute } from "@tanstack/solid-router";
import { For, Show } from "solid-js";
import { ErrorText } from "../components/error-text";
import { EmptyRow, LoadMore } from "../components/list-bits";
import { Time } from "../components/time";
import type { AuditAction, AuditEntry } from "../lib/api";
import { useStores } from "../store";
import { authedRoute } from "./authed";

// The API's AUDIT_ACTIONS; the compiler checks each name against the API's own type.
const ACTIONS: AuditAction[] = [
  "auth.login",
  "auth.login_failures",
  "auth.password_changed",
  "auth.password_set",
  "invite.accepted",
  "invite.created",
  "invite.revoked",
  "user.created",
  "user.updated",
  "user.role_changed",
  "user.deactivated",
  "user.reactivated",
  "user.banned",
  "user.unbanned",
  "user.ban_expired",
  "user.signed_out",
  "user.reset_link_created",
];

const person = (p: AuditEntry["actor"], id: string | null) => (p ? `${p.displayName} <${p.email}>` : (id ?? "system"));

const hasDetails = (details: unknown) =>
  details !== null && typeof details === "object" && Object.keys(details).length > 0;

function Audit() {
  const { audit } = useStores();
  const state = audit.list.state;
  return (
    <>
      <header class="page-head">
        <h2>Audit log</h2>
        <span class="muted">Read-only</span>
      </header>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <select
          name="action"
          value={audit.filters.action}
          onChange={(e) => audit.filter({ action: e.currentTarget.value as AuditAction | "" })}
        >
          <option value="">any action</option>
          <For each={ACTIONS}>{(a) => <option value={a}>{a}</option>}</For>
        </select>
        <input
          name="actor"
          placeholder="Actor: email, name or id"
          value={audit.filters.actor}
          onChange={(e) => audit.filter({ actor: e.currentTarget.value })}
        />
        <input
          name="target"
          placeholder="Target: email, name or id"
          value={audit.filters.target}
          onChange={(e) => audit.filter({ target: e.currentTarget.value })}
        />
      </form>
      <ErrorText error={state.error} />
      <table data-testid="audit">
        <thead>
          <tr>
            <th>When</th>
            <th>Action</th>
            <th>Actor</th>
            <th>Target</th>
            <th>Reason</th>
            <th>IP</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          <For each={state.items} fallback={<EmptyRow cols={7} text={state.loading ? "Loading…" : "No entries."} />}>
            {(entry) => (
              <tr data-testid="audit-row" data-action={entry.action}>
                <td>
                  <Time iso={entry.at} />
                </td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td>{person(entry.actor, entry.actorId)}</td>
                <td>{entry.targetId ? person(entry.target, `${entry.targetType}: ${entry.targetId}`) : "—"}</td>
                <td>{entry.reason ?? ""}</td>
                <td>{entry.ip ?? ""}</td>
                <td>
                  <Show when={hasDetails(entry.details)}>
                    <details>
                      <summary>more</summary>
                      <pre>{JSON.stringify(entry.details, null, 2)}</pre>
                    </details>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <LoadMore list={audit.list} />
    </>
  );
}

export const auditRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/audit",
  validateSearch: (search: Record<string, unknown>): { target?: string } =>
    typeof search.target === "string" ? { target: search.target } : {},
  loaderDeps: ({ search }) => ({ target: search.target }),
  loader: ({ context, deps }) =>
    context.stores.audit.filter({ target: deps.target ?? context.stores.audit.filters.target }),
  component: Audit,
});
