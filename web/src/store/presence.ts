// The presence slice: who is online, who is typing where, and the names of the people we have met.

import type { PresenceStatus } from "api/client";
import { createSignal } from "solid-js";
import { createStore } from "solid-js/store";

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

  function learn(people: { id: string; displayName: string }[]) {
    for (const p of people) if (names[p.id] !== p.displayName) setNames(p.id, p.displayName);
  }

  return {
    status: (userId: string): PresenceStatus | "unknown" => status[userId] ?? "unknown",
    setStatus: (userId: string, s: PresenceStatus) => setStatus(userId, s),
    name: (userId: string) => names[userId],
    people: () => Object.entries(names).map(([id, name]) => ({ id, name })),
    learn,
    onTyping,
    stopTyping,
    typingIn,
  };
}
export type PresenceSlice = ReturnType<typeof createPresence>;
