// The client's address for rate limits, sessions and the audit log. X-Forwarded-For is believed only when
// the peer is a proxy on this host or a private network (the usual self-hosted reverse proxy); then its
// last entry, the one that proxy appended, is the client. Anyone else could write that header themselves.
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

const PRIVATE = [/^127\./, /^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^::1$/, /^f[cd][0-9a-f]{2}:/i];

export function clientIp(c: Context): string | undefined {
  const peer = peerAddress(c);
  const forwarded = c.req
    .header("x-forwarded-for")
    ?.split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .at(-1);
  if (forwarded && (!peer || isPrivate(peer))) return forwarded.slice(0, 64);
  return peer;
}

function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address?.replace(/^::ffff:/, "");
  } catch {
    return undefined; // not served by @hono/node-server (app.request() in tests)
  }
}

const isPrivate = (address: string) => PRIVATE.some((range) => range.test(address));

/** What sessions and the audit log keep about the client. */
export const clientMeta = (c: Context) => ({ ip: clientIp(c), userAgent: c.req.header("user-agent") });
