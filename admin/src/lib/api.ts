// The one HTTP gateway of the admin dashboard: typed by the API's own routes (Hono RPC). The per-user
// actions (/users/{id}/<action>) are declared with a template path on the server, which hc types as an
// index signature, so those few go through `userAction`, a typed fetch with the same error handling.
import type { AppType } from "api/client";
import { hc, type InferRequestType, type InferResponseType } from "hono/client";

export const api = hc<AppType>("/", { init: { credentials: "same-origin" } });
const admin = api.api.admin;

export type User = InferResponseType<typeof admin.users.$get, 200>["users"][number];
export type Role = User["role"];
export type UserState = User["state"];
export type UserQuery = InferRequestType<typeof admin.users.$get>["query"];
export type OneTimeLink = InferResponseType<typeof admin.users.$post, 201>["setPassword"];
export type Invite = InferResponseType<typeof admin.invites.$get, 200>["invites"][number];
export type Channel = InferResponseType<typeof admin.channels.$get, 200>["channels"][number];
export type AuditEntry = InferResponseType<typeof admin.audit.$get, 200>["entries"][number];
export type AuditAction = AuditEntry["action"];
export type AuditQuery = InferRequestType<typeof admin.audit.$get>["query"];
export type Stats = InferResponseType<typeof admin.stats.$get, 200>;

export const ROLES: Role[] = ["owner", "admin", "member", "guest"];
export const STATES: UserState[] = ["active", "deactivated", "banned"];

/** The API's one error shape, `{ error: { code, message } }`, as a thrown value. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Reply {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

let onUnauthorized: () => void = () => {};
/** What to do when the session is gone mid-use (expired, signed out elsewhere): main.tsx goes to /login. */
export function whenUnauthorized(handler: () => void) {
  onUnauthorized = handler;
}

async function ok<T>(request: Promise<Reply>, { quiet401 = false } = {}): Promise<T> {
  const res = await request;
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401 && !quiet401) onUnauthorized();
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}

type UserAction = "deactivate" | "reactivate" | "unban" | "ban" | "role" | "sign-out" | "reset-link";
type ActionBody = { reason?: string; until?: string; role?: Role };

function userAction<T>(id: string, action: UserAction, body: ActionBody = {}): Promise<T> {
  return ok<T>(
    fetch(`/api/admin/users/${encodeURIComponent(id)}/${action}`, {
      method: action === "role" ? "PUT" : "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

type Changed = { user: User };
const ifSet = <T>(value: T | "" | undefined) => (value === "" ? undefined : value);

export const gateway = {
  readiness: () => ok<{ status: string }>(api.readyz.$get()),
  me: () => ok<{ user: User }>(api.api.me.$get()),
  login: (email: string, password: string) =>
    ok<{ user: User }>(api.api.auth.login.$post({ json: { email, password } })),
  logout: () => ok<null>(api.api.auth.logout.$post()),

  listUsers: (query: UserQuery) =>
    ok<{ users: User[]; nextCursor: string | null }>(admin.users.$get({ query: cleanQuery(query) })),
  createUser: (json: { email: string; displayName: string; role: Role }) =>
    ok<{ user: User; setPassword: OneTimeLink }>(admin.users.$post({ json })),
  changeRole: (id: string, role: Role) => userAction<Changed>(id, "role", { role }),
  deactivate: (id: string) => userAction<Changed>(id, "deactivate"),
  reactivate: (id: string) => userAction<Changed>(id, "reactivate"),
  ban: (id: string, reason: string, until?: string) => userAction<Changed>(id, "ban", { reason, until: ifSet(until) }),
  unban: (id: string) => userAction<Changed>(id, "unban"),
  signOut: (id: string) => userAction<{ revoked: number }>(id, "sign-out"),
  resetLink: (id: string) => userAction<OneTimeLink>(id, "reset-link"),

  listInvites: (cursor?: string) =>
    ok<{ invites: Invite[]; nextCursor: string | null }>(admin.invites.$get({ query: { cursor } })),
  createInvite: (json: { role: Role; maxUses: number; expiresInHours: number }) =>
    ok<{ invite: Invite; link: string }>(admin.invites.$post({ json })),
  revokeInvite: (id: string) => ok<{ invite: Invite }>(admin.invites[":id"].revoke.$post({ param: { id }, json: {} })),

  listChannels: (q: string, cursor?: string) =>
    ok<{ channels: Channel[]; nextCursor: string | null }>(
      admin.channels.$get({ query: { q: ifSet(q), cursor, includeArchived: "true" } }),
    ),
  renameChannel: (id: string, name: string) =>
    ok<{ channel: Channel }>(admin.channels[":id"].$patch({ param: { id }, json: { name } })),
  setArchived: (id: string, archived: boolean) =>
    ok<{ channel: Channel }>(
      archived
        ? admin.channels[":id"].archive.$post({ param: { id } })
        : admin.channels[":id"].unarchive.$post({ param: { id } }),
    ),

  listAudit: (query: AuditQuery) =>
    ok<{ entries: AuditEntry[]; nextCursor: string | null }>(admin.audit.$get({ query: cleanQuery(query) })),
  stats: () => ok<Stats>(admin.stats.$get()),
};

/** Drops empty filters, so "any" is no parameter rather than an invalid empty one. */
function cleanQuery<Q extends object>(query: Q): Q {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== "" && v !== undefined)) as Q;
}
