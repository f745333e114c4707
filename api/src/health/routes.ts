// /healthz: the process is up. /readyz: each backing service answers, with its latency; 503 while draining.
import { Hono } from "hono";
import type { Services } from "../services.js";
import { checkServices } from "./checks.js";

/** `draining`: the node is shutting down (realtime/drain.ts); /readyz then answers 503 at once. */
export function healthRoutes(services: Services, draining: () => boolean = () => false) {
  return (
    new Hono()
      // `node`: which process answered (several share a port with API_PROCESSES, api-processes.ts).
      .get("/healthz", (c) => c.json({ status: "ok", node: services.config.NODE_ID }))
      .get("/readyz", async (c) => {
        if (draining()) return c.json({ status: "draining" }, 503);
        const checks = await checkServices(services);
        const ok = checks.db.ok && checks.redis.ok && checks.kafka.ok;
        return c.json({ status: ok ? "ok" : "failing", checks }, ok ? 200 : 503);
      })
  );
}
