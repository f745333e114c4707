// The page for a one-time link that no longer works: what happened and what to do next.
import { Link } from "@tanstack/solid-router";
import type { LinkProblem } from "../lib/links";
import { AuthPage } from "../shared/auth-page";

const WORDS: Record<"invite" | "password", Record<LinkProblem, [string, string]>> = {
  invite: {
    used_up: ["This invite was already used", "It has no uses left. Ask whoever invited you for a new invite link."],
    used: ["This invite was already used", "Ask whoever invited you for a new invite link."],
    expired: ["This invite has expired", "Invites work for a limited time. Ask a workspace admin for a new one."],
    revoked: ["This invite was revoked", "An admin withdrew it. Ask them for a new invite link if you still need one."],
    invalid: ["This invite link isn't valid", "Check that you opened the whole link, including everything after #."],
  },
  password: {
    used: [
      "This link was already used",
      "Set-password links work once. If you set your password with it, sign in. Otherwise ask a workspace admin for a new link.",
    ],
    used_up: ["This link was already used", "Ask a workspace admin for a new link."],
    expired: [
      "This link has expired",
      "Set-password links work for a limited time. Ask a workspace admin for a new one.",
    ],
    revoked: ["This link was withdrawn", "Ask a workspace admin for a new link."],
    invalid: ["This link isn't valid", "Check that you opened the whole link, including everything after #."],
  },
};

export function LinkProblemPage(props: { kind: "invite" | "password"; reason: LinkProblem }) {
  const words = () => WORDS[props.kind][props.reason];
  return (
    <AuthPage title={words()[0]} subtitle={words()[1]} tone="problem">
      <div data-testid="link-problem" data-reason={props.reason}>
        <Link to="/login" class="p-button primary wide">
          Go to sign in
        </Link>
      </div>
    </AuthPage>
  );
}
