// The one place the SFU reads environment variables. Validated with zod at start-up; a bad value stops
// the process with one line naming the variable.
import { isIP } from "node:net";
import os from "node:os";
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);
const flag = z.stringbool({ truthy: ["1", "true", "yes", "on"], falsy: ["0", "false", "no", "off"] });
const bitrate = z.coerce.number().int().min(100_000).max(100_000_000);

const envSchema = z
  .object({
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    SFU_NODE_ID: z.string().min(1).default(`sfu-${os.hostname()}-${process.pid}`),
    /** The internal channel (API nodes connect here); keep it on a private network. */
    SFU_HOST: z.string().min(1).default("127.0.0.1"),
    SFU_PORT: port.default(4010),
    SFU_SECRET: z.string().min(16, "at least 16 characters, shared with the API nodes"),
    /** mediasoup workers; each is one process on one core. */
    SFU_WORKERS: z.coerce.number().int().min(1).max(128).default(os.availableParallelism()),
    /** The address media is received on; SFU_ANNOUNCED_IP is the one put in ICE candidates behind NAT. */
    SFU_LISTEN_IP: z
      .string()
      .refine((v) => isIP(v) !== 0, "an IPv4 or IPv6 address")
      .default("127.0.0.1"),
    SFU_ANNOUNCED_IP: z.string().min(1).optional(),
    /**
     * Media reaches worker i on UDP and TCP port SFU_RTC_PORT + i (a mediasoup WebRtcServer): a firewall
     * opens SFU_WORKERS ports of each protocol, however many participants there are.
     */
    SFU_RTC_PORT: port.default(40000),
    SFU_ENABLE_UDP: flag.default(true),
    SFU_ENABLE_TCP: flag.default(true),
    SFU_MAX_PEERS_PER_CALL: z.coerce.number().int().min(2).max(1000).default(25),
    /** What one participant may send in total (all its producers), bits per second. */
    SFU_MAX_INCOMING_BITRATE: bitrate.default(3_000_000),
    /** What one participant is sent at most (all its consumers), bits per second. */
    SFU_MAX_OUTGOING_BITRATE: bitrate.default(8_000_000),
    SFU_INITIAL_OUTGOING_BITRATE: bitrate.default(1_000_000),
    /** An API node that answers no ping for this long is gone, and so are the peers it hosted. */
    SFU_LINK_TIMEOUT_MS: z.coerce.number().int().min(1000).max(60_000).default(6000),
    /**
     * A participant whose transports receive nothing (no media, no RTCP, none of the ICE consent checks
     * browsers send every 4-6 s) for this long has vanished, even if its API node has not noticed yet.
     * Checked every second, so it is removed within this plus one second.
     */
    SFU_PEER_TIMEOUT_MS: z.coerce.number().int().min(2000).max(120_000).default(7000),
  })
  .refine((c) => c.SFU_RTC_PORT + c.SFU_WORKERS - 1 <= 65535, {
    path: ["SFU_RTC_PORT"],
    message: "plus SFU_WORKERS - 1 must be a port (at most 65535)",
  })
  .refine((c) => c.SFU_ENABLE_UDP || c.SFU_ENABLE_TCP, { path: ["SFU_ENABLE_UDP"], message: "UDP or TCP must be on" })
  .refine((c) => c.SFU_ANNOUNCED_IP || !["0.0.0.0", "::"].includes(c.SFU_LISTEN_IP), {
    path: ["SFU_ANNOUNCED_IP"],
    message: "is needed when SFU_LISTEN_IP is a wildcard (the address peers should send media to)",
  });

export type SfuConfig = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SfuConfig {
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? "environment");
  const got = name === "SFU_SECRET" ? undefined : env[name];
  throw new ConfigError(
    `Invalid environment variable ${name}${got === undefined ? "" : `=${JSON.stringify(got)}`}: ${issue?.message ?? "invalid"} (see .env.example)`,
  );
}
