// A browser test file whose world is one API process on the embedded default (its own PostgreSQL in a fresh
// data directory; no Redis, no Kafka), the owner made from ADMIN_EMAIL/ADMIN_PASSWORD, and one Chromium:
// what a first-time `bash ops/start` serves. Call it at the top of the file: it registers the file's
// beforeAll and afterAll, and its fields are there from the first test on.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type ApiProcess, freePort, launchChromium, startApi } from "api/test-support";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { OWNER } from "./people";

export interface EmbeddedApp {
  readonly api: ApiProcess;
  readonly browser: Browser;
}

export function embeddedApp(): EmbeddedApp {
  let api: ApiProcess | undefined;
  let browser: Browser | undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "parley-embedded-"));
  chmodSync(dataDir, 0o755);
  beforeAll(async () => {
    const env = { DATABASE_URL: "", REDIS_URL: "", KAFKA_BROKERS: "", DATA_DIR: dataDir };
    const owner = { ADMIN_EMAIL: OWNER.email, ADMIN_PASSWORD: OWNER.password };
    api = await startApi({ ...env, ...owner, EMBEDDED_PG_PORT: String(await freePort()) }, 180_000);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const up = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the file's API is not up (see its beforeAll)");
    return value;
  };
  return {
    get api() {
      return up(api);
    },
    get browser() {
      return up(browser);
    },
  };
}
