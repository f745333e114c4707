// The audit slice: read-only, filtered by action, actor and target. People may be named by email (or
// name prefix) as well as by id: the first matching user's id is used.
import { createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { type AuditAction, type AuditEntry, type AuditFilterQuery, gateway } from "../lib/api";
import { createPagedList } from "./paged";

export interface AuditFilters {
  action: AuditAction | "";
  actor: string;
  target: string;
  /** Days (YYYY-MM-DD, the admin's time zone), both included; "" for no bound. */
  from: string;
  to: string;
}

/** The start of a local day as an instant; `nextDay` gives the start of the day after (the exclusive end). */
function dayStart(day: string, nextDay = false): string | undefined {
  const [y, m, d] = day.split("-").map(Number);
  if (!y || !m || !d) return undefined;
  return new Date(y, m - 1, d + (nextDay ? 1 : 0)).toISOString();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function personId(text: string): Promise<string | undefined> {
  const value = text.trim();
  if (!value || UUID.test(value)) return value || undefined;
  const { users } = await gateway.listUsers({ q: value, limit: "1" });
  return users[0]?.id;
}

export function createAuditStore() {
  const [filters, setFilters] = createStore<AuditFilters>({ action: "", actor: "", target: "", from: "", to: "" });
  /** The filters as the API takes them; null when a named person matches nobody (nothing can match). */
  async function apiFilters(): Promise<AuditFilterQuery | null> {
    const query: AuditFilterQuery = {
      action: filters.action || undefined,
      from: dayStart(filters.from),
      to: dayStart(filters.to, true),
    };
    if (filters.actor.trim()) {
      const id = await personId(filters.actor);
      if (!id) return null;
      query.actorId = id;
    }
    if (filters.target.trim()) {
      // Failed sign-ins name an email, not a user: fall back to the text itself.
      query.targetId = (await personId(filters.target)) ?? filters.target.trim();
    }
    return query;
  }
  const list = createPagedList<AuditEntry>(async (cursor) => {
    const query = await apiFilters();
    if (!query) return { items: [], nextCursor: null };
    const page = await gateway.listAudit({ ...query, limit: "50", cursor });
    return { items: page.entries, nextCursor: page.nextCursor };
  });
  // The action names come from the API (GET /api/admin/audit/actions), loaded by the page, once.
  const [actions, setActions] = createSignal<AuditAction[]>([]);
  return {
    filters,
    list,
    actions,
    async loadActions() {
      if (actions().length === 0) setActions((await gateway.auditActions()).actions);
    },
    /** Where the CSV of what the filters match downloads from; null when nothing can match. */
    async exportUrl(): Promise<string | null> {
      const query = await apiFilters();
      return query && gateway.auditExportUrl(query);
    },
    filter(patch: Partial<AuditFilters>) {
      setFilters(patch);
      return list.load();
    },
  };
}
export type AuditStore = ReturnType<typeof createAuditStore>;
