// The presence slice: who is online, who is typing where, and the names of the people we have met.
// Presence comes first from POST /api/people/presence (at start and after every reconnect, so the first
// paint is right and nothing missed while offline stays wrong), then from presence frames.
import type { PresenceStatus } from "api/client";
import { createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { api, read } from "../shared/http";

/** The most people one presence question may name (the API's limit). */
const PRESENCE_BATCH = 500;

/** How long a typing signal shows (the server sends at most one per 3 s). */
export const TYPING_MS = 6000;

export function createPresence() {
  const [status, setStatus] = createStore<Record<string, PresenceStatus>>({});
  const [names, setNames] = createStore<Record<string, string>>({});
  const [typing, setTyping] = createStore<Record<string, Record<string, number>>>({});
  const [now, setNow] = createSignal(Date.now());
  // The store lives as long as the page, so this clock does too.
  setInterval(() => setNow(Date.now()), 1000);

  function onTyping(channelId: string, userId: string) {
    setTyping(channelId, (m) => ({ ...(m ?? {}), [userId]: Date.now() + TYPING_MS }));
    setNow(Date.now());
  }

  /** Users typing in a channel now (reactive, expires on its own). */
  function typingIn(channelId: string): string[] {
    const t = now();
    return Object.entries(typing[channelId] ?? {})
      .filter(([, until]) => until > t)
      .map(([id]) => id);
  }

  function stopTyping(channelId: string, userId: string) {
    setTyping(channelId, (m) => ({ ...(m ?? {}), [userId]: 0 }));
  }

  /** Pictures by user id, as the people and members lists said (absent: not told; null: none). */
  const [avatars, setAvatars] = createStore<Record<string, string | null>>({});
  function learn(people: { id: string; displayName: string; avatarUrl?: string | null }[]) {
    for (const p of people) {
      if (names[p.id] !== p.displayName) setNames(p.id, p.displayName);
      if (p.avatarUrl !== undefined && avatars[p.id] !== p.avatarUrl) setAvatars(p.id, p.avatarUrl);
    }
  }

  // A frame that arrives while a question is out is newer than the answer: each frame bumps its user's
  // version, and an answer is applied only to users whose version has not moved since it was asked.
  const versions = new Map<string, number>();
  function setFromFrame(userId: string, s: PresenceStatus) {
    versions.set(userId, (versions.get(userId) ?? 0) + 1);
    setStatus(userId, s);
  }

  /** Asks the server who of `userIds` is online now (those we may not see stay unknown). */
  async function refresh(userIds: string[]) {
    const ids = [...new Set(userIds)];
    for (let i = 0; i < ids.length; i += PRESENCE_BATCH) {
      const batch = ids.slice(i, i + PRESENCE_BATCH);
      const asked = new Map(batch.map((id) => [id, versions.get(id) ?? 0]));
      const res = await api.api.people.presence.$post({ json: { userIds: batch } });
      const { presence } = await read<{ presence: { userId: string; status: PresenceStatus }[] }>(res);
      for (const p of presence)
        if ((versions.get(p.userId) ?? 0) === asked.get(p.userId)) setStatus(p.userId, p.status);
    }
  }

  return {
    status: (userId: string): PresenceStatus | "unknown" => status[userId] ?? "unknown",
    /** A presence frame (newer than any answer still on its way). */
    setStatus: setFromFrame,
    /** What a directory entry or card said just now. */
    seen: (userId: string, s: PresenceStatus) => setStatus(userId, s),
    refresh,
    name: (userId: string) => names[userId],
    avatar: (userId: string) => avatars[userId] ?? null,
    people: () => Object.entries(names).map(([id, name]) => ({ id, name })),
    learn,
    onTyping,
    stopTyping,
    typingIn,
  };
}
export type PresenceSlice = ReturnType<typeof createPresence>;
