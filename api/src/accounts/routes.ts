// /api/auth/*: sign in and out, use a set-password link, accept an invite. Validate → action → respond.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { clientMeta } from "../lib/client-ip.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { clearSessionCookie, deviceToken, setDeviceCookie, setSessionCookie } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { doLogout } from "./actions.js";
import { rememberDevice } from "./devices.js";
import { doAcceptInvite, doSetPassword } from "./link-actions.js";
import { checkLink } from "./link-status.js";
import { doLogin } from "./login.js";
import {
  DisplayNameSchema,
  EmailSchema,
  NewPasswordSchema,
  PasswordSchema,
  RoleSchema,
  TokenSchema,
  UserEnvelope,
  userView,
} from "./schemas.js";

const tags = ["auth"];
const signedIn = json(UserEnvelope, "Signed in: the session cookie is set");

const login = createRoute({
  method: "post",
  path: "/login",
  tags,
  summary: "Sign in with email and password",
  request: jsonBody(z.strictObject({ email: EmailSchema, password: PasswordSchema })),
  responses: { 200: signedIn, ...errorResponses(400, 401, 403, 429) },
});

const logout = createRoute({
  method: "post",
  path: "/logout",
  tags,
  summary: "Sign out this session (and close its sockets)",
  responses: { 204: { description: "Signed out; the cookie is cleared" } },
});

const setPassword = createRoute({
  method: "post",
  path: "/set-password",
  tags,
  summary: "Set a password with a one-time link token; signs out every other session",
  request: jsonBody(z.strictObject({ token: TokenSchema, password: NewPasswordSchema })),
  responses: { 200: signedIn, ...errorResponses(400, 403) },
});

const acceptInvite = createRoute({
  method: "post",
  path: "/accept-invite",
  tags,
  summary: "Create an account from an invite link token",
  request: jsonBody(
    z.strictObject({
      token: TokenSchema,
      email: EmailSchema,
      displayName: DisplayNameSchema,
      password: NewPasswordSchema,
    }),
  ),
  responses: { 201: json(UserEnvelope, "Account created and signed in"), ...errorResponses(400, 409) },
});

const LinkStatusSchema = z
  .object({
    kind: z.enum(["invite", "password"]),
    status: z.enum(["valid", "invalid", "used", "expired", "revoked", "used_up"]),
    role: RoleSchema.optional().openapi({ description: "invite: the role the new account gets" }),
    workspace: z.string().optional(),
    purpose: z.enum(["setup", "reset"]).optional().openapi({ description: "password: a new account, or a reset" }),
    email: z.string().optional(),
    displayName: z.string().optional(),
    expiresAt: z.iso.datetime().optional(),
  })
  .openapi("LinkStatus");

const linkStatus = createRoute({
  method: "post",
  path: "/link-status",
  tags,
  summary: "What a one-time link (invite or set-password) is, or why it no longer works; uses nothing",
  request: jsonBody(z.strictObject({ kind: z.enum(["invite", "password"]), token: TokenSchema })),
  responses: { 200: json(LinkStatusSchema, "The link's state"), ...errorResponses(400) },
});

export function authRoutes(services: Services) {
  /** The session cookie, and the device cookie that makes this browser a known device of the account. */
  async function startSession<T extends { user: { id: string }; token: string; expiresAt: Date }>(
    c: Context,
    signedIn: T,
  ) {
    setSessionCookie(c, signedIn.token, signedIn.expiresAt);
    setDeviceCookie(c, await rememberDevice(services.kv, signedIn.user.id, deviceToken(c)));
    return signedIn;
  }

  return openApiRouter()
    .openapi(login, async (c) => {
      const meta = { ...clientMeta(c), device: deviceToken(c) };
      const { user } = await startSession(c, await doLogin(services, c.req.valid("json"), meta));
      return c.json({ user: userView(user) }, 200);
    })
    .openapi(logout, async (c) => {
      const auth = c.get("auth");
      if (auth) await doLogout(services, auth);
      clearSessionCookie(c);
      return c.body(null, 204);
    })
    .openapi(setPassword, async (c) => {
      const { user } = await startSession(c, await doSetPassword(services, c.req.valid("json"), clientMeta(c)));
      return c.json({ user: userView(user) }, 200);
    })
    .openapi(linkStatus, async (c) => {
      const { kind, token } = c.req.valid("json");
      return c.json(await checkLink(services, kind, token), 200);
    })
    .openapi(acceptInvite, async (c) => {
      const { user } = await startSession(c, await doAcceptInvite(services, c.req.valid("json"), clientMeta(c)));
      return c.json({ user: userView(user) }, 201);
    });
}
