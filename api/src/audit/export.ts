// The audit log as a CSV download: the list's filters, every matching entry, newest first. Read a page at a
// time through the list's own keyset query and written as it goes, so a long log never sits in memory.
import type { Db } from "../lib/prisma.js";
import { csvRow } from "./csv.js";
import { type AuditQuery, listAudit } from "./queries.js";

const PAGE = 500;

export const AUDIT_CSV_COLUMNS = [
  "id",
  "at",
  "action",
  "actor_id",
  "actor_email",
  "actor_name",
  "target_type",
  "target_id",
  "target_email",
  "target_name",
  "reason",
  "ip",
  "details",
] as const;

export function auditCsv(db: Db, filters: Omit<AuditQuery, "limit" | "cursor">): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvRow(AUDIT_CSV_COLUMNS)));
        return;
      }
      const page = await listAudit(db, { ...filters, limit: PAGE, cursor });
      let text = "";
      for (const entry of page.entries) {
        const actor = entry.actorId ? page.people.get(entry.actorId) : undefined;
        const target = entry.targetType === "user" && entry.targetId ? page.people.get(entry.targetId) : undefined;
        text += csvRow([
          String(entry.id),
          entry.at.toISOString(),
          entry.action,
          entry.actorId,
          actor?.email,
          actor?.displayName,
          entry.targetType,
          entry.targetId,
          target?.email,
          target?.displayName,
          entry.reason,
          entry.ip,
          entry.details === null ? null : JSON.stringify(entry.details),
        ]);
      }
      if (text) controller.enqueue(encoder.encode(text));
      if (page.nextCursor) cursor = page.nextCursor;
      else controller.close();
    },
  });
}
