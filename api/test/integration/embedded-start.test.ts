// The zero-setup start: no DATABASE_URL, REDIS_URL or KAFKA_BROKERS. The API embeds PostgreSQL, uses
// the in-process bus and log, bootstraps the workspace, and reports every service ready.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiProcess, freePort, startApi } from "../support/processes.js";

let api: ApiProcess;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "parley-embedded-"));
// Run as root, the embedded PostgreSQL runs as `postgres`, which must be able to enter the folder.
chmodSync(dataDir, 0o755);

beforeAll(async () => {
  api = await startApi(
    {
      DATABASE_URL: "",
      REDIS_URL: "",
      KAFKA_BROKERS: "",
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      ADMIN_EMAIL: "first@parley.test",
      ADMIN_PASSWORD: "",
    },
    180_000,
  );
}, 200_000);

afterAll(async () => {
  await api?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("start-up", () => {
  it("stops at a bad variable with one line naming it", async () => {
    const failed = startApi({ PORT: "3000", KAFKA_BROKERS: "not-a-broker", DATA_DIR: dataDir }, 30_000);
    const error = await failed.then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(
      /exited with 1 before it was ready:\nInvalid environment variable KAFKA_BROKERS="not-a-broker": .+\(see \.env\.example\)\n$/,
    );
  });
});

describe("embedded default", () => {
  it("prints its URLs and the generated first-admin password once", () => {
    expect(api.output()).toContain(`web client       http://localhost:${api.port}/`);
    expect(api.output()).toContain(`admin dashboard  http://localhost:${api.port}/admin/`);
    expect(api.output()).toMatch(/first admin {6}first@parley\.test \/ password \S{16} \(shown once\)/);
  });

  it("reports the embedded services ready", async () => {
    const res = await fetch(`${api.url}/readyz`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      status: "ok",
      checks: {
        db: { ok: true, kind: "embedded" },
        redis: { ok: true, kind: "embedded" },
        kafka: { ok: true, kind: "embedded" },
      },
    });
  });

  it("answers unknown API routes with the error shape", async () => {
    const res = await fetch(`${api.url}/api/no-such-thing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "No route for GET /api/no-such-thing." } });
  });
});
