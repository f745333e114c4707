import { createRoute, redirect, useNavigate } from "@tanstack/solid-router";
import { AuthPage, SignInForm } from "web/shared";
import { ServerStatus } from "../components/server-status";
import { useStores } from "../store";
import { rootRoute } from "./root";

function Login() {
  const { session } = useStores();
  const navigate = useNavigate();
  async function signIn(email: string, password: string) {
    await session.login(email, password);
    await navigate({ to: "/" });
  }
  return (
    <AuthPage
      title="Sign in to the dashboard"
      subtitle="For workspace owners and admins."
      product="admin"
      footer={<ServerStatus />}
    >
      <SignInForm signIn={signIn} notice={session.notice()} />
    </AuthPage>
  );
}

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/login",
  beforeLoad: async ({ context }) => {
    if (await context.stores.session.ensure()) throw redirect({ to: "/" });
  },
  component: Login,
});
