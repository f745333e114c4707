// The client's address for rate limits, sessions and the audit log. X-Forwarded-For (and -Proto) are
// believed only from the proxies named in TRUSTED_PROXIES, as nginx's real_ip module (with
// real_ip_recursive on) and Express's `trust proxy` do: walking the header from its right end, each entry a
// trusted proxy appended is skipped, and the first address that is not a trusted proxy is the client.
// Anyone else can write that header themselves, so from an untrusted peer it is ignored.
import { BlockList, isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";

declare module "hono" {
  interface ContextVariableMap {
    /** Set by clientAddress() for every request. */
    clientIp: string | undefined;
    /** The direct peer is a trusted proxy, so its X-Forwarded-* headers are believed. */
    viaTrustedProxy: boolean;
  }
}

/** Named ranges, as Express's `trust proxy` names them. */
const NAMED: Record<string, string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

/** One TRUSTED_PROXIES entry: an address, a CIDR, or a named range. Returns the ranges, or null if invalid. */
function rangesOf(entry: string): { address: string; prefix: number; family: "ipv4" | "ipv6" }[] | null {
  const named = NAMED[entry];
  if (named) return named.flatMap((range) => rangesOf(range) ?? []);
  const [address = "", prefixText, extra] = entry.split("/");
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) return null;
  return [{ address, prefix, family: version === 4 ? "ipv4" : "ipv6" }];
}

export const isTrustedProxyEntry = (entry: string) => rangesOf(entry) !== null;

export function trustedProxies(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const ranges = rangesOf(entry);
    if (!ranges) throw new Error(`TRUSTED_PROXIES: ${entry} is not an address, a CIDR or a named range`);
    for (const { address, prefix, family } of ranges) list.addSubnet(address, prefix, family);
  }
  return list;
}

const isTrusted = (list: BlockList, address: string) => {
  const version = isIP(address);
  return version !== 0 && list.check(address, version === 4 ? "ipv4" : "ipv6");
};

/** The client's address given the direct peer and the X-Forwarded-For header. */
export function resolveClientIp(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trusted: BlockList,
): string | undefined {
  if (!peer || !isTrusted(trusted, peer) || !forwardedFor) return peer;
  let client = peer;
  const hops = forwardedFor.split(",").map((hop) => hop.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = (hops[i] ?? "").replace(/^::ffff:(?=\d+\.)/, "");
    // Only a client writes something that is not an address; the trusted hop after it is the client then.
    if (isIP(hop) === 0) break;
    client = hop;
    if (!isTrusted(trusted, hop)) break;
  }
  return client;
}

function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address?.replace(/^::ffff:(?=\d+\.)/, "");
  } catch {
    return undefined; // not served by @hono/node-server (app.request() without a connection)
  }
}

/** Works out the client's address once per request (c.var.clientIp). */
export function clientAddress(trustedEntries: string[]): MiddlewareHandler {
  const trusted = trustedProxies(trustedEntries);
  return async function clientAddress(c, next) {
    const peer = peerAddress(c);
    c.set("viaTrustedProxy", peer !== undefined && isTrusted(trusted, peer));
    c.set("clientIp", resolveClientIp(peer, c.req.header("x-forwarded-for"), trusted)?.slice(0, 64));
    await next();
  };
}

export const clientIp = (c: Context): string | undefined => c.get("clientIp");

/** What sessions and the audit log keep about the client. */
export const clientMeta = (c: Context) => ({ ip: clientIp(c), userAgent: c.req.header("user-agent") });
