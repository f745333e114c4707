// The workspace's policies (admin dashboard → Settings): name and icon, who may create channels, what guests
// may start, how long messages are kept. One row (Workspace); every change is audited, then announced on
// the bus so every node's cache (cache.ts) drops its copy: the next request anywhere sees the new value.
import type { Actor } from "../admin/guard.js";
import { recordAudit } from "../audit/record.js";
import type { Db } from "../lib/prisma.js";
import type { Sql } from "../lib/sql.js";
import type { Bus } from "../realtime/bus.js";

export const SETTINGS_TOPIC = "workspace:settings";

export interface WorkspaceSettings {
  name: string;
  icon: string;
  channelCreators: "members" | "admins";
  guestsCanStartDms: boolean;
  /** null: messages are kept for ever. */
  retentionDays: number | null;
}

export const DEFAULT_SETTINGS: WorkspaceSettings = {
  name: "Parley",
  icon: "",
  channelCreators: "members",
  guestsCanStartDms: true,
  retentionDays: null,
};

const select = { name: true, icon: true, channelCreators: true, guestsCanStartDms: true, retentionDays: true };

/** On plain `pg` (a cache miss on every node, the retention job's tick): Prisma's first query of a process
 * loads its query compiler (~33 MB), which a node should pay only with a route that needs Prisma. */
export async function readSettings(sql: Sql): Promise<WorkspaceSettings> {
  const { rows } = await sql.query<WorkspaceSettings>(
    `SELECT name, icon, "channelCreators"::text AS "channelCreators", "guestsCanStartDms", "retentionDays"
     FROM "Workspace" ORDER BY "createdAt" LIMIT 1`,
  );
  return rows[0] ?? DEFAULT_SETTINGS;
}

/** Changes what `edit` names; records before and after of the fields that changed; no change records nothing. */
export async function doUpdateSettings(
  services: { db: Db; bus: Bus },
  actor: Actor,
  edit: Partial<WorkspaceSettings>,
): Promise<WorkspaceSettings> {
  const after = await services.db.$transaction(async (tx) => {
    const row = await tx.workspace.findFirst({ select: { id: true, ...select }, orderBy: { createdAt: "asc" } });
    if (!row) throw new Error("no workspace row: the bootstrap creates it at the first start");
    const { id, ...before } = row;
    const changed = (Object.keys(edit) as (keyof WorkspaceSettings)[]).filter(
      (key) => edit[key] !== undefined && edit[key] !== before[key],
    );
    if (changed.length === 0) return before;
    const next = await tx.workspace.update({ where: { id }, data: edit, select });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "workspace.settings_changed",
      targetType: "workspace",
      targetId: id,
      ip: actor.ip,
      details: {
        before: Object.fromEntries(changed.map((key) => [key, before[key]])),
        after: Object.fromEntries(changed.map((key) => [key, next[key]])),
      },
    });
    return next;
  });
  await services.bus.publish(SETTINGS_TOPIC, "changed");
  return after;
}
