// The production entry as ops/start, the image and the k8s/compose files run it: scripts/build.ts's bundle
// under plain node, not the sources through tsx (which the rest of the suite runs). The bundle builds;
// every package it leaves external resolves from api/node_modules; the API started from it migrates,
// serves and reports ready; the standalone persister and notifier load their whole module graph (they
// stop at the first variable they lack, which they read after every import has run).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freePort } from "../support/processes.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const apiDir = path.resolve(import.meta.dirname, "..", "..");
// Under api/, like dist/, so that Node finds the external packages.
const outdir = mkdtempSync(path.join(apiDir, ".bundle-test-"));

beforeAll(() => {
  const build = spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts", outdir], {
    cwd: apiDir,
    encoding: "utf8",
  });
  expect(build.status, build.stderr).toBe(0);
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("the API from the bundle", () => {
  let stack: TestStack;
  let child: ChildProcess | undefined;
  let output = "";

  beforeAll(async () => {
    stack = await createTestStack();
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
    await stack?.cleanup();
  });

  test("starts under plain node, serves its routes and stops on SIGTERM", async () => {
    const port = await freePort();
    child = spawn(process.execPath, [path.join(outdir, "main.js")], {
      cwd: apiDir,
      // No NODE_OPTIONS: nothing may slip a loader (tsx) in.
      env: { ...process.env, ...stack.env, NODE_OPTIONS: "", PORT: String(port), HOST: "127.0.0.1", NODE_ID: "bundle" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child?.once("exit", resolve));
    await expect.poll(() => output, { timeout: 90_000 }).toContain("Parley is running");

    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    // swagger-ui-dist is found from the bundle's directory (createRequire in docs/routes.ts).
    expect((await fetch(`${url}/api/docs`)).status).toBe(200);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 120_000);
});

test.each(["persister", "notifier"])("%s.js loads its module graph under plain node", (entry) => {
  const run = spawnSync(process.execPath, [path.join(outdir, `${entry}.js`)], {
    cwd: apiDir,
    env: { ...process.env, NODE_OPTIONS: "", DATABASE_URL: "", REDIS_URL: "", KAFKA_BROKERS: "" },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(run.stderr).toMatch(/needs KAFKA_BROKERS, REDIS_URL and DATABASE_URL/);
  expect(run.status).toBe(1);
});
