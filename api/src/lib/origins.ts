import type { Config } from "../config.js";

/** Browser origins allowed to open sockets and send cookie-authenticated mutations. */
export function allowedOrigins(config: Pick<Config, "PUBLIC_ORIGIN" | "PORT">): string[] {
  if (config.PUBLIC_ORIGIN) return config.PUBLIC_ORIGIN.split(",").map((o) => o.trim().replace(/\/$/, ""));
  return [`http://localhost:${config.PORT}`, `http://127.0.0.1:${config.PORT}`];
}
