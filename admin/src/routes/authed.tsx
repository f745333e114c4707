// The signed-in shell: every page but /login. Nobody, or a non-admin, is sent to /login.
import { createRoute, Link, Outlet, redirect, useNavigate } from "@tanstack/solid-router";
import { useStores } from "../store";
import { rootRoute } from "./root";

function Shell() {
  const { session } = useStores();
  const navigate = useNavigate();
  async function logout() {
    await session.logout();
    await navigate({ to: "/login" });
  }
  const pages = [
    ["/", "Overview"],
    ["/live", "Live operations"],
    ["/users", "Users"],
    ["/invites", "Invites"],
    ["/channels", "Channels"],
    ["/moderation", "Moderation"],
    ["/files", "Files"],
    ["/audit", "Audit log"],
    ["/push", "Push"],
    ["/settings", "Settings"],
  ] as const;
  return (
    <div class="shell">
      <nav class="sidebar">
        <h1>Parley admin</h1>
        {pages.map(([to, label]) => (
          <Link to={to} activeOptions={{ exact: to === "/" }} activeProps={{ class: "active" }}>
            {label}
          </Link>
        ))}
        <div class="me">
          <span data-testid="me">{session.user()?.email}</span>
          <button type="button" onClick={logout}>
            Sign out
          </button>
        </div>
      </nav>
      <main class="page">
        <Outlet />
      </main>
    </div>
  );
}

export const authedRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "authed",
  beforeLoad: async ({ context }) => {
    if (!(await context.stores.session.ensure())) throw redirect({ to: "/login" });
  },
  component: Shell,
});
