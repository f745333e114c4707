// /api/me/*: the signed-in user's own profile, password and sessions. Validate → action → respond.
import { createRoute, z } from "@hono/zod-openapi";
import { clientIp } from "../lib/client-ip.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { userText } from "../lib/user-text.js";
import { clearSessionCookie, requireUser } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import {
  doChangePassword,
  doRevokeAllSessions,
  doRevokeOtherSessions,
  doRevokeSession,
  doUpdateProfile,
} from "./actions.js";
import { listSessions } from "./queries.js";
import {
  DisplayNameSchema,
  NewPasswordSchema,
  PasswordSchema,
  StatusEmojiSchema,
  StatusTextSchema,
  TimeZoneSchema,
  UserEnvelope,
  userView,
} from "./schemas.js";

const tags = ["me"];
const signedInErrors = errorResponses(401, 403);

const SessionSchema = z
  .object({
    id: z.string(),
    current: z.boolean(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .openapi("Session");

const ProfileEdit = z.strictObject({
  displayName: DisplayNameSchema.optional(),
  avatarUrl: userText("token", { max: 2048 })
    .pipe(z.url({ protocol: /^https?$/ }))
    .nullable()
    .optional(),
  statusText: StatusTextSchema.nullable().optional(),
  statusEmoji: StatusEmojiSchema.nullable().optional(),
  timeZone: TimeZoneSchema.optional(),
});

const getMe = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "The signed-in user",
  responses: { 200: json(UserEnvelope, "The user"), ...signedInErrors },
});

const editMe = createRoute({
  method: "patch",
  path: "/",
  tags,
  summary: "Edit display name, avatar URL, status (text and emoji) or time zone",
  request: jsonBody(ProfileEdit),
  responses: { 200: json(UserEnvelope, "The user as edited"), ...errorResponses(400, 401, 403) },
});

const changePassword = createRoute({
  method: "post",
  path: "/password",
  tags,
  summary: "Change the password (needs the current one); signs out every other session",
  request: jsonBody(z.strictObject({ currentPassword: PasswordSchema, newPassword: NewPasswordSchema })),
  responses: { 204: { description: "Changed" }, ...errorResponses(400, 401, 403, 429) },
});

const sessions = createRoute({
  method: "get",
  path: "/sessions",
  tags,
  summary: "My signed-in sessions",
  responses: { 200: json(z.object({ sessions: z.array(SessionSchema) }), "Newest use first"), ...signedInErrors },
});

const revokeSession = createRoute({
  method: "delete",
  path: "/sessions/{id}",
  tags,
  summary: "Sign out one of my sessions (this one too, if named)",
  request: { params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) }) },
  responses: { 204: { description: "Signed out" }, ...errorResponses(400, 401, 403, 404) },
});

const revokeOthers = createRoute({
  method: "post",
  path: "/sessions/revoke-others",
  tags,
  summary: "Sign out every session but this one",
  responses: { 200: json(z.object({ revoked: z.number().int() }), "How many were signed out"), ...signedInErrors },
});

const revokeAll = createRoute({
  method: "post",
  path: "/sessions/revoke-all",
  tags,
  summary: "Sign out everywhere, this session too (every socket of mine closes)",
  responses: { 204: { description: "Signed out everywhere; the cookie is cleared" }, ...signedInErrors },
});

export function meRoutes(services: Services) {
  return openApiRouter()
    .openapi(getMe, (c) => c.json({ user: userView(requireUser(c).user) }, 200))
    .openapi(editMe, async (c) => {
      const { user } = requireUser(c);
      return c.json({ user: userView(await doUpdateProfile(services, user.id, c.req.valid("json"))) }, 200);
    })
    .openapi(changePassword, async (c) => {
      await doChangePassword(services, requireUser(c), c.req.valid("json"), clientIp(c));
      return c.body(null, 204);
    })
    .openapi(sessions, async (c) => {
      const { user, session } = requireUser(c);
      const rows = await listSessions(services.db, user.id);
      const list = rows.map((s) => ({
        id: s.id,
        current: s.id === session.id,
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        ip: s.ip,
        userAgent: s.userAgent,
      }));
      return c.json({ sessions: list }, 200);
    })
    .openapi(revokeSession, async (c) => {
      const { user, session } = requireUser(c);
      const { id } = c.req.valid("param");
      await doRevokeSession(services, user.id, id);
      if (id === session.id) clearSessionCookie(c);
      return c.body(null, 204);
    })
    .openapi(revokeOthers, async (c) => c.json({ revoked: await doRevokeOtherSessions(services, requireUser(c)) }, 200))
    .openapi(revokeAll, async (c) => {
      await doRevokeAllSessions(services, requireUser(c).user.id);
      clearSessionCookie(c);
      return c.body(null, 204);
    });
}
