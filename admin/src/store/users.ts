// The users slice: filters, the paged table, the selected user and every action on one.
import { createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { type BulkAction, gateway, type OneTimeLink, type Role, type User, type UserQuery } from "../lib/api";
import { createPagedList } from "./paged";

export type Sort = "createdAt" | "name" | "email";
export interface UserFilters {
  q: string;
  role: Role | "";
  state: User["state"] | "";
  sort: Sort;
  order: "asc" | "desc" | "";
}

export function createUsersStore() {
  const [filters, setFilters] = createStore<UserFilters>({ q: "", role: "", state: "", sort: "createdAt", order: "" });
  const list = createPagedList<User>(async (cursor) => {
    const query: UserQuery = {
      q: filters.q.trim() || undefined,
      role: filters.role || undefined,
      state: filters.state || undefined,
      sort: filters.sort,
      order: filters.order || undefined,
      limit: "25",
      cursor,
    };
    const page = await gateway.listUsers(query);
    return { items: page.users, nextCursor: page.nextCursor };
  });
  const [selectedId, setSelectedId] = createSignal<string | null>(null);
  const selected = () => list.state.items.find((u) => u.id === selectedId()) ?? null;

  function filter(patch: Partial<UserFilters>) {
    setFilters(patch);
    return list.load();
  }

  /** Click a column: sort by it, or flip the order when it already is. */
  function sortBy(sort: Sort) {
    if (filters.sort !== sort) return filter({ sort, order: "" });
    const defaultOrder = sort === "createdAt" ? "desc" : "asc";
    const current = filters.order || defaultOrder;
    return filter({ order: current === "asc" ? "desc" : "asc" });
  }

  const changed = async (reply: Promise<{ user: User }>) => {
    const { user } = await reply;
    list.upsert(user);
    return user;
  };

  return {
    filters,
    list,
    selected,
    select: setSelectedId,
    filter,
    sortBy,
    async create(input: { email: string; displayName: string; role: Role }): Promise<OneTimeLink> {
      const { user, setPassword } = await gateway.createUser(input);
      list.upsert(user);
      setSelectedId(user.id);
      return setPassword;
    },
    changeRole: (id: string, role: Role) => changed(gateway.changeRole(id, role)),
    deactivate: (id: string) => changed(gateway.deactivate(id)),
    reactivate: (id: string) => changed(gateway.reactivate(id)),
    ban: (id: string, reason: string, until?: string) => changed(gateway.ban(id, reason, until)),
    unban: (id: string) => changed(gateway.unban(id)),
    signOut: (id: string) => gateway.signOut(id),
    /** One action on several users; the table is read again, since each may have changed. */
    async bulk(ids: string[], action: BulkAction, reason: string) {
      const { results } = await gateway.bulk(ids, action, reason);
      await list.load();
      return results;
    },
    resetLink: (id: string) => gateway.resetLink(id),
  };
}
export type UsersStore = ReturnType<typeof createUsersStore>;
