// The workspace's push switches (admin dashboard): pushes on or off, previews shown or hidden. The notifier
// reads them for every batch through a short cache, so a change reaches every notifier within seconds.
import { recordAudit } from "../audit/record.js";
import type { Db } from "../lib/prisma.js";
import type { Sql } from "../lib/sql.js";

export interface PushSettings {
  enabled: boolean;
  previews: boolean;
}

const DEFAULTS: PushSettings = { enabled: true, previews: true };

export async function getPushSettings(db: Db): Promise<PushSettings> {
  const row = await db.workspace.findFirst({ select: { pushEnabled: true, pushPreviews: true } });
  return row ? { enabled: row.pushEnabled, previews: row.pushPreviews } : DEFAULTS;
}

export async function doSetPushSettings(
  db: Db,
  actor: { id: string; ip: string | undefined },
  edit: Partial<PushSettings>,
): Promise<PushSettings> {
  return db.$transaction(async (tx) => {
    const before = await tx.workspace.findFirst({ select: { id: true, pushEnabled: true, pushPreviews: true } });
    if (!before) return DEFAULTS;
    const after = await tx.workspace.update({
      where: { id: before.id },
      data: {
        ...(edit.enabled === undefined ? {} : { pushEnabled: edit.enabled }),
        ...(edit.previews === undefined ? {} : { pushPreviews: edit.previews }),
      },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "workspace.push_settings_changed",
      targetType: "workspace",
      targetId: before.id,
      ip: actor.ip,
      details: {
        before: { enabled: before.pushEnabled, previews: before.pushPreviews },
        after: { enabled: after.pushEnabled, previews: after.pushPreviews },
      },
    });
    return { enabled: after.pushEnabled, previews: after.pushPreviews };
  });
}

/** The switches as the notifier sees them: read at most once per `ttlMs` (plain pg, on the hot path). */
export class PushSettingsCache {
  private value: PushSettings = DEFAULTS;
  private readAt = 0;

  constructor(
    private readonly sql: Sql,
    private readonly ttlMs = 2000,
  ) {}

  async get(): Promise<PushSettings> {
    if (Date.now() - this.readAt < this.ttlMs) return this.value;
    const { rows } = await this.sql.query<{ enabled: boolean; previews: boolean }>(
      `SELECT "pushEnabled" AS enabled, "pushPreviews" AS previews FROM "Workspace" ORDER BY "createdAt" LIMIT 1`,
    );
    this.value = rows[0] ?? DEFAULTS;
    this.readAt = Date.now();
    return this.value;
  }
}
