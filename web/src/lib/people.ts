// The member directory as the web client reads it (GET /api/people), and how a person's presence and local
// time are put into words.
import type { PresenceStatus } from "api/client";
import type { InferResponseType } from "hono/client";
import { api, read } from "../shared/http";

export type Person = InferResponseType<typeof api.api.people.$get, 200>["people"][number];
export type PeoplePage = { people: Person[]; nextCursor: string | null };

export async function searchPeople(q: string, cursor?: string | null, limit = 30): Promise<PeoplePage> {
  const query: { q?: string; cursor?: string; limit: string } = { limit: String(limit) };
  if (q) query.q = q;
  if (cursor) query.cursor = cursor;
  return read<PeoplePage>(await api.api.people.$get({ query }));
}

export async function getPerson(id: string): Promise<Person> {
  return (await read<{ person: Person }>(await api.api.people[":id"].$get({ param: { id } }))).person;
}

/** "14:05" where they are, or null when the zone is unknown to this browser. */
export function localTime(timeZone: string, at = new Date()): string | null {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone, hour: "numeric", minute: "2-digit" }).format(at);
  } catch {
    return null;
  }
}

const LABEL: Record<PresenceStatus | "unknown", string> = {
  online: "Active",
  away: "Away",
  offline: "Offline",
  unknown: "",
};

/** "Active", "Away", or "Offline · last seen 3 h ago". */
export function presenceLabel(status: PresenceStatus | "unknown", lastSeenAt?: string | null, now = Date.now()) {
  if (status !== "offline" || !lastSeenAt) return LABEL[status];
  const minutes = Math.round((now - Date.parse(lastSeenAt)) / 60_000);
  const ago =
    minutes < 1
      ? "just now"
      : minutes < 60
        ? `${minutes} min ago`
        : minutes < 48 * 60
          ? `${Math.round(minutes / 60)} h ago`
          : `${Math.round(minutes / 1440)} days ago`;
  return `Offline · last seen ${ago}`;
}
