// /api/admin/users: list and search, read, create, edit. Validate → action → respond.
import { createRoute, z } from "@hono/zod-openapi";
import {
  DisplayNameSchema,
  EmailSchema,
  ReasonSchema,
  RoleSchema,
  UserEnvelope,
  UserSchema,
  UserStateSchema,
  userView,
} from "../accounts/schemas.js";
import { CursorQuery } from "../lib/cursor.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { userText } from "../lib/user-text.js";
import type { Services } from "../services.js";
import { actorOf } from "./guard.js";
import { LinkSchema, tags, UserIdParam } from "./schemas.js";
import { doCreateUser, doEditUser } from "./users-actions.js";
import { getUser, searchUsers, USER_SORTS } from "./users-queries.js";

const adminErrors = errorResponses(400, 401, 403);

const ListQuery = z.object({
  q: userText("line", { max: 100 }).optional().openapi({ description: "Email or display-name prefix, any case" }),
  role: RoleSchema.optional(),
  state: UserStateSchema.optional(),
  sort: z.enum(USER_SORTS).default("createdAt"),
  order: z.enum(["asc", "desc"]).optional().openapi({ description: "Default: newest first, names and emails A→Z" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: CursorQuery.optional(),
});

const list = createRoute({
  method: "get",
  path: "/",
  tags: tags.users,
  summary: "List and search users",
  request: { query: ListQuery },
  responses: {
    200: json(z.object({ users: z.array(UserSchema), nextCursor: z.string().nullable() }), "One page"),
    ...adminErrors,
  },
});

const get = createRoute({
  method: "get",
  path: "/{id}",
  tags: tags.users,
  summary: "One user",
  request: UserIdParam,
  responses: { 200: json(UserEnvelope, "The user"), ...errorResponses(400, 401, 403, 404) },
});

const create = createRoute({
  method: "post",
  path: "/",
  tags: tags.users,
  summary: "Create an account; returns the one-time link for its owner to set a password",
  request: jsonBody(
    z.strictObject({ email: EmailSchema, displayName: DisplayNameSchema, role: RoleSchema.default("member") }),
  ),
  responses: {
    201: json(z.object({ user: UserSchema, setPassword: LinkSchema }), "Created"),
    ...errorResponses(400, 401, 403, 409),
  },
});

const edit = createRoute({
  method: "patch",
  path: "/{id}",
  tags: tags.users,
  summary: "Edit email or display name",
  request: {
    ...UserIdParam,
    ...jsonBody(
      z.strictObject({
        email: EmailSchema.optional(),
        displayName: DisplayNameSchema.optional(),
        reason: ReasonSchema.optional(),
      }),
    ),
  },
  responses: { 200: json(UserEnvelope, "The user as edited"), ...errorResponses(400, 401, 403, 404, 409) },
});

export function userRoutes(services: Services) {
  return openApiRouter()
    .openapi(list, async (c) => {
      const { order, q, ...query } = c.req.valid("query");
      const page = await searchUsers(services.db, {
        ...query,
        q: q || undefined,
        order: order ?? (query.sort === "createdAt" ? "desc" : "asc"),
      });
      return c.json({ users: page.users.map((u) => userView(u)), nextCursor: page.nextCursor }, 200);
    })
    .openapi(get, async (c) => {
      return c.json({ user: userView(await getUser(services.db, c.req.valid("param").id)) }, 200);
    })
    .openapi(create, async (c) => {
      const { user, link, expiresAt } = await doCreateUser(services, actorOf(c), c.req.valid("json"));
      return c.json({ user: userView(user), setPassword: { link, expiresAt } }, 201);
    })
    .openapi(edit, async (c) => {
      const user = await doEditUser(services, actorOf(c), c.req.valid("param").id, c.req.valid("json"));
      return c.json({ user: userView(user) }, 200);
    });
}
