// The session slice: who is signed in, or why nobody is (banned).
import type { InferResponseType } from "hono/client";
import { createSignal } from "solid-js";
import { ApiError, api, read } from "../shared/http";

export type Me = InferResponseType<typeof api.api.me.$get, 200>["user"];

export function createSession() {
  const [user, setUser] = createSignal<Me | null>(null);
  const [banned, setBanned] = createSignal<string | null>(null);

  /** Loads the signed-in user; null when there is none. Throws nothing for 401/403. */
  async function load(): Promise<Me | null> {
    try {
      const { user: me } = await read<{ user: Me }>(await api.api.me.$get());
      setUser(me);
      return me;
    } catch (e) {
      if (e instanceof ApiError && e.code === "banned") setBanned(e.message);
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return null;
      throw e;
    }
  }

  /** Someone signed in here (sign-in, an accepted invite, a password set from a link). */
  function adopt(me: Me) {
    setBanned(null);
    setUser(me);
    return me;
  }

  async function login(email: string, password: string): Promise<Me> {
    return adopt((await read<{ user: Me }>(await api.api.auth.login.$post({ json: { email, password } }))).user);
  }

  async function logout() {
    await api.api.auth.logout.$post().catch(() => {});
    setUser(null);
  }

  return { user, banned, setBanned, setUser, load, adopt, login, logout, clear: () => setUser(null) };
}
export type SessionSlice = ReturnType<typeof createSession>;
