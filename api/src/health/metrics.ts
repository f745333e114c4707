// GET /metrics in Prometheus text format. With METRICS_TOKEN set it needs that bearer token; without it,
// only clients on this machine (loopback) may read it.
import { getConnInfo } from "@hono/node-server/conninfo";
import { Hono } from "hono";
import { AppError } from "../errors.js";
import { registry } from "../lib/metrics.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

export function metricsRoutes(token: string | undefined) {
  return new Hono().get("/metrics", async (c) => {
    if (token) {
      if (c.req.header("authorization") !== `Bearer ${token}`)
        throw new AppError(401, "unauthorized", "Metrics need the METRICS_TOKEN bearer token.");
    } else if (!LOOPBACK.has(getConnInfo(c).remote.address ?? "")) {
      throw new AppError(403, "forbidden", "Metrics are served to loopback only unless METRICS_TOKEN is set.");
    }
    return c.text(await registry.metrics(), 200, { "Content-Type": registry.contentType });
  });
}
