// Who is signed in. Only owners and admins may use the dashboard: a member who signs in is signed out
// again at once and told so.
import { createSignal } from "solid-js";
import { ApiError, gateway, type User } from "../lib/api";

export const ADMINS_ONLY = "This dashboard is for admins only.";
const isAdmin = (user: User) => user.role === "owner" || user.role === "admin";

export function createSessionStore() {
  const [user, setUser] = createSignal<User | null>(null);
  const [checked, setChecked] = createSignal(false);
  const [notice, setNotice] = createSignal("");

  /** The current admin, asking the API once; null when nobody (or a non-admin) is signed in. */
  async function ensure(): Promise<User | null> {
    if (checked()) return user();
    try {
      const me = (await gateway.me()).user;
      setUser(isAdmin(me) ? me : null);
      if (!isAdmin(me)) setNotice(ADMINS_ONLY);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setUser(null);
    }
    setChecked(true);
    return user();
  }

  async function login(email: string, password: string) {
    setNotice("");
    const me = (await gateway.login(email, password)).user;
    setChecked(true);
    if (!isAdmin(me)) {
      await gateway.logout();
      throw new ApiError(403, "admins_only", ADMINS_ONLY);
    }
    setUser(me);
  }

  async function logout() {
    await gateway.logout();
    setUser(null);
  }

  /** The API said 401: the session ended elsewhere. */
  function forget() {
    setUser(null);
    setNotice("Your session has ended: sign in again.");
  }

  return { user, ensure, login, logout, forget, notice };
}
export type SessionStore = ReturnType<typeof createSessionStore>;
