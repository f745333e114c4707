// The audit log ("/audit", audit.tsx): who did what to whom, filtered by action and target; Export CSV
// downloads everything the filters match (GET /api/admin/audit/export.csv).
import { For, Show } from "solid-js";
import { ErrorText } from "web/shared";
import { createAction } from "../components/action";
import { EmptyRow, LoadMore } from "../components/list-bits";
import { Time } from "../components/time";
import type { AuditAction, AuditEntry } from "../lib/api";
import { useStores } from "../store";

const person = (p: AuditEntry["actor"], id: string | null) => (p ? `${p.displayName} <${p.email}>` : (id ?? "system"));

const hasDetails = (details: unknown) =>
  details !== null && typeof details === "object" && Object.keys(details).length > 0;

export function Audit() {
  const { audit } = useStores();
  const state = audit.list.state;
  const exporting = createAction();
  /** Downloads what the filters match (all pages, not only those shown) through a plain link. */
  const exportCsv = () =>
    exporting.run(async () => {
      const url = await audit.exportUrl();
      if (!url) throw new Error("No user matches the actor filter: there is nothing to export.");
      const link = document.createElement("a");
      link.href = url;
      link.download = "";
      link.click();
    });

  return (
    <>
      <header class="page-head">
        <h2>Audit log</h2>
        <span class="muted">Read-only</span>
        <button type="button" onClick={exportCsv} disabled={exporting.pending()}>
          Export CSV
        </button>
      </header>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <select
          name="action"
          value={audit.filters.action}
          onChange={(e) => audit.filter({ action: e.currentTarget.value as AuditAction | "" })}
        >
          <option value="">any action</option>
          <For each={audit.actions()}>{(a) => <option value={a}>{a}</option>}</For>
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
        <label class="inline">
          From
          <input
            type="date"
            name="from"
            value={audit.filters.from}
            onChange={(e) => audit.filter({ from: e.currentTarget.value })}
          />
        </label>
        <label class="inline">
          To
          <input
            type="date"
            name="to"
            value={audit.filters.to}
            onChange={(e) => audit.filter({ to: e.currentTarget.value })}
          />
        </label>
      </form>
      <ErrorText error={state.error} />
      <ErrorText error={exporting.error()} />
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
