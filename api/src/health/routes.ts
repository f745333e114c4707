// /healthz: the process is up. /readyz: each backing service answers, with its latency.
import { Hono } from "hono";
import type { Services } from "../services.js";

interface Check {
  ok: boolean;
  kind: string;
  latencyMs?: number;
  error?: string;
}

async function check(kind: string, probe: () => Promise<number>, timeoutMs = 2000): Promise<Check> {
  try {
    const latency = await Promise.race([
      probe(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs)),
    ]);
    return { ok: true, kind, latencyMs: Math.round(latency * 100) / 100 };
  } catch (error) {
    return { ok: false, kind, error: error instanceof Error ? error.message : String(error) };
  }
}

export function healthRoutes(services: Services) {
  const { db, dbKind, bus, log } = services;
  return new Hono()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", async (c) => {
      const [dbCheck, redis, kafka] = await Promise.all([
        check(dbKind, async () => {
          const started = performance.now();
          await db.$queryRaw`SELECT 1`;
          return performance.now() - started;
        }),
        check(bus.kind === "redis" ? "redis" : "embedded", () => bus.ping()),
        check(log.kind === "kafka" ? "kafka" : "embedded", () => log.ping()),
      ]);
      const ok = dbCheck.ok && redis.ok && kafka.ok;
      return c.json({ status: ok ? "ok" : "failing", checks: { db: dbCheck, redis, kafka } }, ok ? 200 : 503);
    });
}
