// The audit slice: read-only, filtered by action, actor and target. People may be named by email (or
// name prefix) as well as by id: the first matching user's id is used.
import { createStore } from "solid-js/store";
import { type AuditAction, type AuditEntry, type AuditQuery, gateway } from "../lib/api";
import { createPagedList } from "./paged";

export interface AuditFilters {
  action: AuditAction | "";
  actor: string;
  target: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function personId(text: string): Promise<string | undefined> {
  const value = text.trim();
  if (!value || UUID.test(value)) return value || undefined;
  const { users } = await gateway.listUsers({ q: value, limit: "1" });
  return users[0]?.id;
}

export function createAuditStore() {
  const [filters, setFilters] = createStore<AuditFilters>({ action: "", actor: "", target: "" });
  const list = createPagedList<AuditEntry>(async (cursor) => {
    const query: AuditQuery = { limit: "50", cursor, action: filters.action || undefined };
    if (filters.actor.trim()) {
      const id = await personId(filters.actor);
      if (!id) return { items: [], nextCursor: null };
      query.actorId = id;
    }
    if (filters.target.trim()) {
      // Failed sign-ins name an email, not a user: fall back to the text itself.
      query.targetId = (await personId(filters.target)) ?? filters.target.trim();
    }
    const page = await gateway.listAudit(query);
    return { items: page.entries, nextCursor: page.nextCursor };
  });
  return {
    filters,
    list,
    filter(patch: Partial<AuditFilters>) {
      setFilters(patch);
      return list.load();
    },
  };
}
export type AuditStore = ReturnType<typeof createAuditStore>;
