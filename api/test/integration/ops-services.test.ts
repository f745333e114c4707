// ops/services on this machine: `up` starts a private server where none answers, `status` reports it as
// started by parley, and `down` stops only that one. Uses spare ports, so the machine's own servers are
// left alone (and checked to be).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../support/processes.js";

const run = promisify(execFile);
const services = path.resolve(import.meta.dirname, "..", "..", "..", "ops", "services");
const stateDir = mkdtempSync(path.join(os.tmpdir(), "parley-ops-"));

async function ops(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run("bash", [services, ...args], {
      env: { ...process.env, PARLEY_STATE_DIR: stateDir, ...env },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

afterAll(async () => {
  rmSync(stateDir, { recursive: true, force: true });
});

describe("ops/services", () => {
  it("starts a private Redis where none answers and stops only what it started", async () => {
    const env = { REDIS_PORT: String(await freePort()) };
    expect((await ops(["status", "redis"], env)).code).toBe(1);
    const up = await ops(["up", "redis"], env);
    expect(up.code).toBe(0);
    const status = await ops(["status", "redis"], env);
    expect(status.out).toMatch(/redis\s+127\.0\.0\.1:\d+\s+answering \(started by parley/);
    expect((await ops(["down", "redis"], env)).code).toBe(0);
    expect((await ops(["status", "redis"], env)).out).toMatch(/not answering/);
  }, 60_000);

  it("uses the machine's running servers and leaves them running on down", async () => {
    const status = await ops(["status", "postgres", "redis", "kafka"], {});
    expect(status.out).toMatch(/postgres\s+127\.0\.0\.1:5432\s+answering/);
    expect(status.out).toMatch(/redis\s+127\.0\.0\.1:6379\s+answering/);
    expect(status.out).toMatch(/kafka\s+127\.0\.0\.1:9092\s+answering/);
    // This state dir started none of them, so down must leave all three answering.
    await ops(["down", "postgres", "redis"], {});
    expect((await ops(["status", "postgres", "redis"], {})).code).toBe(0);
  }, 60_000);
});
