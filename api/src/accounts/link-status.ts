// What a one-time link is before anyone uses it, so its page can say so at once: the invite's role, or
// whose password it sets, or why it no longer works. Only the holder of the secret can ask.
import type { Role } from "../generated/prisma/client.js";
import type { Services } from "../services.js";
import { inviteProblem, type LinkProblem, tokenProblem } from "./link-actions.js";
import { hashToken } from "./links.js";

export type LinkStatus =
  | { kind: "invite"; status: "valid"; role: Role; expiresAt: string; workspace: string }
  | {
      kind: "password";
      status: "valid";
      purpose: "setup" | "reset";
      email: string;
      displayName: string;
      expiresAt: string;
    }
  | { kind: "invite" | "password"; status: LinkProblem };

export async function checkLink(services: Services, kind: "invite" | "password", token: string): Promise<LinkStatus> {
  const { db } = services;
  const now = new Date();
  if (kind === "invite") {
    const invite = await db.invite.findUnique({ where: { tokenHash: hashToken(token) } });
    const problem = inviteProblem(invite, now);
    if (problem || !invite) return { kind, status: problem ?? "invalid" };
    const workspace = (await db.workspace.findFirst({ select: { name: true } }))?.name ?? "Parley";
    return { kind, status: "valid", role: invite.role, expiresAt: invite.expiresAt.toISOString(), workspace };
  }
  const link = await db.passwordToken.findUnique({ where: { id: hashToken(token) }, include: { user: true } });
  const problem = tokenProblem(link, now);
  if (problem || !link) return { kind, status: problem ?? "invalid" };
  return {
    kind,
    status: "valid",
    purpose: link.purpose === "reset" ? "reset" : "setup",
    email: link.user.email,
    displayName: link.user.displayName,
    expiresAt: link.expiresAt.toISOString(),
  };
}
