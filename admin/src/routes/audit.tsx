// "/audit": the audit log (audit-page.tsx), a code-split chunk loaded when first opened; its data loads
// here. When the chunk cannot be loaded (a new version was deployed, the network dropped), the router's
// error page says so.
import { createRoute, lazyRouteComponent } from "@tanstack/solid-router";
import { authedRoute } from "./authed";

export const auditRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/audit",
  validateSearch: (search: Record<string, unknown>): { target?: string } =>
    typeof search.target === "string" ? { target: search.target } : {},
  loaderDeps: ({ search }) => ({ target: search.target }),
  loader: ({ context, deps }) =>
    Promise.all([
      context.stores.audit.loadActions(),
      context.stores.audit.filter({ target: deps.target ?? context.stores.audit.filters.target }),
    ]),
  component: lazyRouteComponent(() => import("./audit-page"), "Audit"),
});
