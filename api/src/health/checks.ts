// One probe of each backing service, with its latency: /readyz and the admin's live operations ask the same.
import type { Services } from "../services.js";

export interface Check {
  ok: boolean;
  kind: string;
  latencyMs?: number;
  error?: string;
}

async function check(kind: string, probe: () => Promise<number>, timeoutMs = 2000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const latency = await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, kind, latencyMs: Math.round(latency * 100) / 100 };
  } catch (error) {
    return { ok: false, kind, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkServices({ db, dbKind, bus, log }: Services) {
  const [dbCheck, redis, kafka] = await Promise.all([
    check(dbKind, async () => {
      const started = performance.now();
      await db.$queryRaw`SELECT 1`;
      return performance.now() - started;
    }),
    check(bus.kind === "redis" ? "redis" : "embedded", () => bus.ping()),
    check(log.kind === "kafka" ? "kafka" : "embedded", () => log.ping()),
  ]);
  return { db: dbCheck, redis, kafka };
}
