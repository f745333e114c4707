// Routers described with @hono/zod-openapi: each route's zod schemas validate the request at run time
// and document it in /api/openapi.json. A failed validation becomes our 400 shape, zod issues in details.
import { type Hook, OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError } from "../errors.js";
import type { AuthEnv } from "../middleware/session/index.js";

const TARGET_NAMES: Partial<Record<string, string>> = { json: "body", query: "query string", param: "path" };

export const validationHook: Hook<unknown, AuthEnv, string, undefined> = function validationHook(result) {
  if (result.success) return;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    code: issue.code,
    message: issue.message,
  }));
  const part = TARGET_NAMES[result.target] ?? result.target;
  throw new AppError(400, "invalid_request", `The request ${part} is invalid.`, { issues });
};

export const openApiRouter = () => new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .openapi("Error");

const errorDescriptions = {
  400: "Invalid request (details.issues lists each problem)",
  401: "Not signed in",
  403: "Not allowed, or banned (code `banned`)",
  404: "Not found",
  409: "Conflicts with the current state",
  413: "Body too large",
  429: "Rate limited (Retry-After header)",
} as const;

type ErrorStatus = keyof typeof errorDescriptions;
type ErrorResponse = { description: string; content: { "application/json": { schema: typeof ErrorSchema } } };

/** The OpenAPI `responses` entries for the listed error statuses. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): Record<S, ErrorResponse> {
  const responses = {} as Record<S, ErrorResponse>;
  for (const status of statuses) {
    responses[status] = {
      description: errorDescriptions[status],
      content: { "application/json": { schema: ErrorSchema } },
    };
  }
  return responses;
}

/** A JSON response entry for createRoute(). */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** A JSON request body for createRoute(); `required` so a missing body is a 400, not an empty object. */
export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  body: { required, content: { "application/json": { schema } } },
});
