// /api/auth/*: sign in and out, use a set-password link, accept an invite. Validate → action → respond.
import { createRoute, z } from "@hono/zod-openapi";
import { clientMeta } from "../lib/client-ip.js";
import { errorResponses, json, jsonBody, openApiRouter } from "../lib/openapi.js";
import { clearSessionCookie, setSessionCookie } from "../middleware/session/index.js";
import type { Services } from "../services.js";
import { doLogout } from "./actions.js";
import { doAcceptInvite, doSetPassword } from "./link-actions.js";
import { doLogin } from "./login.js";
import { DisplayNameSchema, EmailSchema, NewPasswordSchema, TokenSchema, UserEnvelope, userView } from "./schemas.js";

const tags = ["auth"];
const signedIn = json(UserEnvelope, "Signed in: the session cookie is set");

const login = createRoute({
  method: "post",
  path: "/login",
  tags,
  summary: "Sign in with email and password",
  request: jsonBody(z.strictObject({ email: EmailSchema, password: z.string().min(1).max(1024) })),
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

export function authRoutes(services: Services) {
  return openApiRouter()
    .openapi(login, async (c) => {
      const { user, token, expiresAt } = await doLogin(services, c.req.valid("json"), clientMeta(c));
      setSessionCookie(c, token, expiresAt);
      return c.json({ user: userView(user) }, 200);
    })
    .openapi(logout, async (c) => {
      const auth = c.get("auth");
      if (auth) await doLogout(services, auth);
      clearSessionCookie(c);
      return c.body(null, 204);
    })
    .openapi(setPassword, async (c) => {
      const { user, token, expiresAt } = await doSetPassword(services, c.req.valid("json"), clientMeta(c));
      setSessionCookie(c, token, expiresAt);
      return c.json({ user: userView(user) }, 200);
    })
    .openapi(acceptInvite, async (c) => {
      const { user, token, expiresAt } = await doAcceptInvite(services, c.req.valid("json"), clientMeta(c));
      setSessionCookie(c, token, expiresAt);
      return c.json({ user: userView(user) }, 201);
    });
}
