// One-time links (invite, set password) carry their secret in the URL fragment (#token=…), which the
// browser never sends to the server. Before showing a form, the page asks what the link is.
import type { InferResponseType } from "hono/client";
import { ApiError, api, read } from "../shared/http";

export type LinkStatus = InferResponseType<(typeof api.api.auth)["link-status"]["$post"], 200>;
export type LinkProblem = Exclude<LinkStatus["status"], "valid">;

export const tokenFromHash = () => new URLSearchParams(location.hash.slice(1)).get("token") ?? "";

export async function linkStatus(kind: "invite" | "password", token: string): Promise<LinkStatus> {
  if (token.length < 16) return { kind, status: "invalid" };
  return read<LinkStatus>(await api.api.auth["link-status"].$post({ json: { kind, token } }));
}

/** The reason a submit was refused because of the link itself (it was used or expired meanwhile). */
export function problemOf(error: unknown): LinkProblem | null {
  if (!(error instanceof ApiError) || error.code !== "invalid_link") return null;
  const reason = error.details?.reason;
  return typeof reason === "string" ? (reason as LinkProblem) : "invalid";
}
