// /api/admin/audit: read-only. There is deliberately no route that edits or deletes an entry.
import { createRoute, z } from "@hono/zod-openapi";
import { auditCsv } from "../audit/export.js";
import { listAudit } from "../audit/queries.js";
import { AUDIT_ACTIONS } from "../audit/record.js";
import { contentDisposition } from "../files/serve.js";
import { CursorQuery } from "../lib/cursor.js";
import { errorResponses, json, openApiRouter } from "../lib/openapi.js";
import { userText } from "../lib/user-text.js";
import type { Services } from "../services.js";
import { tags } from "./schemas.js";

const Person = z.object({ id: z.uuid(), email: z.string(), displayName: z.string() }).nullable();

const EntrySchema = z
  .object({
    id: z.string(),
    at: z.iso.datetime(),
    action: z.enum(AUDIT_ACTIONS),
    actorId: z.string().nullable(),
    actor: Person,
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    target: Person.openapi({ description: "Set when the target is a user" }),
    reason: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.unknown(),
  })
  .openapi("AuditEntry");

const isoDate = z.iso.datetime({ offset: true }).transform((iso) => new Date(iso));

/** What narrows the list and the export alike. */
const Filters = z.object({
  actorId: z.uuid().optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  targetId: userText("token", { max: 320 }).optional(),
  from: isoDate.optional().openapi({ description: "Inclusive" }),
  to: isoDate.optional().openapi({ description: "Exclusive" }),
});

const list = createRoute({
  method: "get",
  path: "/",
  tags: tags.audit,
  summary: "Admin actions and security events, newest first",
  request: {
    query: Filters.extend({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: CursorQuery.optional(),
    }),
  },
  responses: {
    200: json(z.object({ entries: z.array(EntrySchema), nextCursor: z.string().nullable() }), "One page"),
    ...errorResponses(400, 401, 403),
  },
});

const actions = createRoute({
  method: "get",
  path: "/actions",
  tags: tags.audit,
  summary: "Every audit action name, in the order the dashboard lists them (the one list; filters use it)",
  responses: {
    200: json(z.object({ actions: z.array(z.enum(AUDIT_ACTIONS)) }), "The names"),
    ...errorResponses(401, 403),
  },
});

const exportCsv = createRoute({
  method: "get",
  path: "/export.csv",
  tags: tags.audit,
  summary: "The whole filtered log as CSV (RFC 4180, formula cells defused), newest first, streamed",
  request: { query: Filters },
  responses: {
    200: { description: "text/csv, as an attachment", content: { "text/csv": { schema: z.string() } } },
    ...errorResponses(400, 401, 403),
  },
});

export function auditRoutes(services: Services) {
  return openApiRouter()
    .openapi(actions, (c) => c.json({ actions: [...AUDIT_ACTIONS] }, 200))
    .openapi(exportCsv, (c) => {
      const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
      return c.body(auditCsv(services.db, c.req.valid("query")), 200, {
        "Content-Type": "text/csv; charset=utf-8; header=present",
        "Content-Disposition": contentDisposition("attachment", `parley-audit-${stamp}Z.csv`),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      }) as never;
    })
    .openapi(list, async (c) => {
      const { entries, people, nextCursor } = await listAudit(services.db, c.req.valid("query"));
      const view = entries.map((entry) => ({
        id: String(entry.id),
        at: entry.at.toISOString(),
        action: entry.action as (typeof AUDIT_ACTIONS)[number],
        actorId: entry.actorId,
        actor: (entry.actorId && people.get(entry.actorId)) || null,
        targetType: entry.targetType,
        targetId: entry.targetId,
        target: (entry.targetType === "user" && entry.targetId && people.get(entry.targetId)) || null,
        reason: entry.reason,
        ip: entry.ip,
        details: entry.details,
      }));
      return c.json({ entries: view, nextCursor }, 200);
    });
}
