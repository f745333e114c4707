// The session slice: who is signed in, or why nobody is (banned).
import { createSignal } from "solid-js";
import { ApiError, api, read } from "../lib/api";

export interface Me {
  id: string;
  email: string;
  displayName: string;
  role: string;
}

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

  async function login(email: string, password: string): Promise<Me> {
    const { user: me } = await read<{ user: Me }>(await api.api.auth.login.$post({ json: { email, password } }));
    setBanned(null);
    setUser(me);
    return me;
  }

  async function logout() {
    await api.api.auth.logout.$post().catch(() => {});
    setUser(null);
  }

  return { user, banned, setBanned, load, login, logout, clear: () => setUser(null) };
}
export type SessionSlice = ReturnType<typeof createSession>;
