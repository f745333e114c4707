// The admin dashboard's calls, through the one HTTP gateway both apps share (web/shared: `hc<AppType>`,
// ApiError, read). The per-user actions (/users/{id}/<action>) are declared with a template path on the
// server, which hc types as an index signature, so those few go through `userAction`, a typed fetch with
// the same error handling.
import type { InferRequestType, InferResponseType } from "hono/client";
import { ApiError, api, read } from "web/shared";

export { ApiError };

const admin = api.api.admin;

export type User = InferResponseType<typeof admin.users.$get, 200>["users"][number];
export type Role = User["role"];
export type UserState = User["state"];
export type UserQuery = InferRequestType<typeof admin.users.$get>["query"];
export type OneTimeLink = InferResponseType<typeof admin.users.$post, 201>["setPassword"];
export type Invite = InferResponseType<typeof admin.invites.$get, 200>["invites"][number];
export type Channel = InferResponseType<typeof admin.channels.$get, 200>["channels"][number];
export type ChannelMember = InferResponseType<
  (typeof admin.channels)[":id"]["members"]["$get"],
  200
>["members"][number];
export type AuditEntry = InferResponseType<typeof admin.audit.$get, 200>["entries"][number];
export type AuditAction = AuditEntry["action"];
export type AuditQuery = InferRequestType<typeof admin.audit.$get>["query"];
export type AuditFilterQuery = InferRequestType<(typeof admin.audit)["export.csv"]["$get"]>["query"];
export type Stats = InferResponseType<typeof admin.stats.$get, 200>;
export type ModeratedMessage = InferResponseType<
  (typeof admin.channels)[":id"]["messages"]["$get"],
  200
>["messages"][number];

// The user page's routes share /users/{id}/… with the template-path actions, which hc types as an index
// signature: their shapes come from api/client and the calls go through `userGet`/`userAction`.
import type { BulkAction, UserChannel, UserSession } from "api/client";

export type { BulkAction, UserChannel, UserSession };
export type BulkResult = InferResponseType<typeof admin.users.bulk.$post, 200>["results"][number];
export type PushSettings = InferResponseType<typeof admin.push.$get, 200>;
export type PushMinute = InferResponseType<typeof admin.push.stats.$get, 200>["minutes"][number];
export type FileUsage = InferResponseType<typeof admin.files.usage.$get, 200>;
export type AdminFile = InferResponseType<typeof admin.files.$get, 200>["files"][number];

export type WorkspaceSettings = InferResponseType<typeof admin.settings.$get, 200>;
export type SettingsEdit = InferRequestType<typeof admin.settings.$patch>["json"];
export type Retention = InferResponseType<typeof admin.settings.retention.$get, 200>;
export type Purged = InferResponseType<typeof admin.settings.retention.run.$post, 200>;

export const ROLES: Role[] = ["owner", "admin", "member", "guest"];
export const STATES: UserState[] = ["active", "deactivated", "banned"];

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

async function ok<T>(request: Promise<Reply>): Promise<T> {
  const res = await request;
  if (res.status === 401) onUnauthorized();
  return read<T>(res);
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

function userGet<T>(id: string, what: string): Promise<T> {
  return ok<T>(fetch(`/api/admin/users/${encodeURIComponent(id)}/${what}`, { credentials: "same-origin" }));
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

  setDefault: (id: string, isDefault: boolean) =>
    ok<null>(admin.channels[":id"].default.$put({ param: { id }, json: { isDefault } })),
  listMembers: (id: string, cursor?: string) =>
    ok<{ members: ChannelMember[]; nextCursor: string | null }>(
      admin.channels[":id"].members.$get({ param: { id }, query: { limit: "100", cursor } }),
    ),
  addMembers: (id: string, userIds: string[]) =>
    ok<{ added: string[] }>(admin.channels[":id"].members.$post({ param: { id }, json: { userIds } })),
  removeMember: (id: string, userId: string) =>
    ok<null>(admin.channels[":id"].members[":userId"].$delete({ param: { id, userId } })),

  channelMessages: (id: string, cursor?: string) =>
    ok<{ messages: ModeratedMessage[]; nextCursor: string | null }>(
      admin.channels[":id"].messages.$get({ param: { id }, query: { cursor } }),
    ),
  userMessages: (id: string, cursor?: string) =>
    userGet<{ messages: ModeratedMessage[]; nextCursor: string | null }>(
      id,
      `messages${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`,
    ),
  deleteMessage: (channelId: string, messageId: string, reason: string) =>
    ok<{ messageId: string }>(
      admin.channels[":id"].messages[":messageId"].$delete({ param: { id: channelId, messageId }, json: { reason } }),
    ),
  getUser: (id: string) => ok<{ user: User }>(admin.users[":id"].$get({ param: { id } })),
  userChannels: (id: string) => userGet<{ channels: UserChannel[]; conversations: number }>(id, "channels"),
  userSessions: (id: string) => userGet<{ sessions: UserSession[] }>(id, "sessions"),
  endSession: (id: string, sessionId: string, reason: string) =>
    ok<null>(
      fetch(`/api/admin/users/${encodeURIComponent(id)}/sessions/${encodeURIComponent(sessionId)}`, {
        method: "DELETE",
        credentials: "same-origin",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ reason: ifSet(reason) }),
      }),
    ),
  bulk: (userIds: string[], action: BulkAction, reason: string) =>
    ok<{ results: BulkResult[] }>(admin.users.bulk.$post({ json: { userIds, action, reason: ifSet(reason) } })),

  /** The API's list of audit action names: the one source of truth for the action filter. */
  auditActions: () => ok<{ actions: AuditAction[] }>(admin.audit.actions.$get()),
  listAudit: (query: AuditQuery) =>
    ok<{ entries: AuditEntry[]; nextCursor: string | null }>(admin.audit.$get({ query: cleanQuery(query) })),
  /** A plain link (the session cookie goes with it): the browser downloads the CSV as it streams. */
  auditExportUrl: (query: AuditFilterQuery) => {
    const params = new URLSearchParams(cleanQuery(query) as Record<string, string>).toString();
    return `/api/admin/audit/export.csv${params ? `?${params}` : ""}`;
  },
  stats: () => ok<Stats>(admin.stats.$get()),

  settings: () => ok<WorkspaceSettings>(admin.settings.$get()),
  saveSettings: (json: SettingsEdit) => ok<Omit<WorkspaceSettings, "defaultChannels">>(admin.settings.$patch({ json })),
  retention: () => ok<Retention>(admin.settings.retention.$get()),
  /** 200 with what went, or 202 when a run was under way already (it deletes the same messages). */
  runRetention: () => ok<Purged | { status: "already_running" }>(admin.settings.retention.run.$post()),

  pushSettings: () => ok<PushSettings>(admin.push.$get()),
  setPushSettings: (json: { enabled?: boolean; previews?: boolean }) => ok<PushSettings>(admin.push.$put({ json })),
  pushStats: () => ok<{ minutes: PushMinute[] }>(admin.push.stats.$get()),

  fileUsage: () => ok<FileUsage>(admin.files.usage.$get()),
  setFileLimits: (json: { maxBytes?: number; quotaBytes?: number }) =>
    ok<{ maxBytes: number; quotaBytes: number }>(admin.files.settings.$patch({ json })),
  listFiles: (q: string) => ok<{ files: AdminFile[] }>(admin.files.$get({ query: cleanQuery({ q }) })),
  deleteFile: (id: string, reason: string) =>
    ok<null>(admin.files[":id"].$delete({ param: { id }, query: cleanQuery({ reason }) })),
};

/** Drops empty filters, so "any" is no parameter rather than an invalid empty one. */
function cleanQuery<Q extends object>(query: Q): Q {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== "" && v !== undefined)) as Q;
}
