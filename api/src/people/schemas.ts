// The member directory's shapes on the wire: what any member may see of another (no email, no moderation
// state), with presence as it is now.
import { z } from "@hono/zod-openapi";
import { RoleSchema } from "../accounts/schemas.js";
import { CursorQuery } from "../lib/cursor.js";
import { userText } from "../lib/user-text.js";

export const PresenceStatusSchema = z.enum(["online", "away", "offline"]).openapi("PresenceStatus");

export const PersonSchema = z
  .object({
    id: z.uuid(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    statusText: z.string().nullable(),
    statusEmoji: z.string().nullable(),
    /** IANA zone: clients show the person's local time. */
    timeZone: z.string(),
    /** Guests are marked as such in the directory, as in Slack. */
    role: RoleSchema,
    presence: PresenceStatusSchema,
    lastSeenAt: z.iso.datetime().nullable(),
  })
  .openapi("Person");
export type Person = z.infer<typeof PersonSchema>;

/** A decimal integer in a query string ("" and "1e3" are refused). */
const limitQuery = z
  .string()
  .regex(/^\d{1,4}$/, "a whole number")
  .transform(Number)
  .pipe(z.number().int().min(1).max(100))
  .openapi({ type: "integer", minimum: 1, maximum: 100 });

export const DirectoryQuery = z.object({
  q: userText("line", { max: 64 }).optional().openapi({ description: "Start of the name or of any word in it" }),
  limit: limitQuery.optional(),
  cursor: CursorQuery.optional(),
});

export const PeoplePage = z.object({ people: z.array(PersonSchema), nextCursor: z.string().nullable() });

export const PresenceQuery = z.strictObject({ userIds: z.array(z.uuid()).min(1).max(500) });
export const PresenceAnswer = z.object({
  presence: z.array(
    z.object({ userId: z.uuid(), status: PresenceStatusSchema, lastSeenAt: z.iso.datetime().nullable() }),
  ),
});
