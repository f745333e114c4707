import { createRoute, redirect, useNavigate } from "@tanstack/solid-router";
import { AuthPage } from "../shared/auth-page";
import { SignInForm } from "../shared/sign-in-form";
import { useStore } from "../store";
import { rootRoute } from "./root";

function Login() {
  const store = useStore();
  const navigate = useNavigate();
  async function signIn(email: string, password: string) {
    await store.session.login(email, password);
    await navigate({ to: "/" });
  }
  return (
    <AuthPage
      title="Sign in to Parley"
      subtitle="Use the email and password of your workspace account."
      footer={
        <>
          New here? Open the invite link a workspace admin sent you.
          <br />
          Forgot your password? Ask an admin for a reset link.
        </>
      }
    >
      <SignInForm signIn={signIn} />
    </AuthPage>
  );
}

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/login",
  beforeLoad: ({ context: { store } }) => {
    if (store.session.user()) throw redirect({ to: "/" });
  },
  component: Login,
});
