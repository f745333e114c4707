// A first `bash ops/start` has no mediasoup worker yet: Parley starts at once with calls "getting ready",
// ops/mediasoup/run-sfu.sh gets the worker in the background and then starts the SFU, and the running API
// turns calls on by itself (no restart) when the SFU answers. The build is a stand-in that waits for the
// test's go (so "slow" is as slow as the test needs) and then prints the real worker's path; the second
// test runs the real build.sh, which returns the cached worker (ops/test builds it before any test).
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { freeMediaPort, requireWorker, workerBin } from "sfu/test-support";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, freePort, startApi } from "../support/processes.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
/** The API retries an SFU every 5 s at most (sfu-nodes.ts), the SFU starts in a few seconds; load margin. */
const TURNS_ON_WITHIN_MS = 45_000;

type RunSfu = { child: ChildProcess; output: () => string; stop(): Promise<void> };

function runSfu(env: Record<string, string>): RunSfu {
  const child = spawn("bash", [path.join(ROOT, "ops/mediasoup/run-sfu.sh")], {
    // No MEDIASOUP_WORKER_BIN unless a test gives one: run-sfu.sh is to find or build the worker itself.
    env: { ...process.env, LOG_LEVEL: "warn", SFU_WORKERS: "1", MEDIASOUP_WORKER_BIN: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Whether something accepts a TCP connection on this loopback port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe.runIf(requireWorker(import.meta.filename))("calls getting ready while the worker is built", () => {
  let stack: TestStack;
  let services: Running;
  let channelId: string;
  let token: string;
  const dir = mkdtempSync(path.join(os.tmpdir(), "parley-run-sfu-"));
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    stack = await createTestStack({ redis: true });
    services = await stack.open();
    const user = await createUser(services.db, { name: "newcomer" });
    token = await sessionToken(services.db, user.id);
    channelId = (await createChannel(services.db, [user.id])).id;
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await stack?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An API whose SFU_URLS names a port nothing listens on yet, as ops/start starts it. */
  async function apiWaitingForSfu() {
    const sfuPort = await freePort();
    const secret = `getting-ready-${Math.random().toString(36).slice(2)}`;
    const api: ApiProcess = await startApi({
      ...stack.env,
      SFU_URLS: `ws://127.0.0.1:${sfuPort}`,
      SFU_SECRET: secret,
    });
    cleanups.push(() => api.stop());
    const sfuEnv = { SFU_PORT: String(sfuPort), SFU_RTC_PORT: String(await freeMediaPort()), SFU_SECRET: secret };
    return { api, sfuEnv };
  }

  async function expectCallsTurnOn(socket: TestSocket) {
    await waitFor(
      () => socket.frames.some((f) => f.type === "callsAvailability" && f.state === "ready"),
      "callsAvailability ready on the open socket",
      TURNS_ON_WITHIN_MS,
    );
    expect(await socket.ok("call.status")).toEqual({ state: "ready" });
    const joined = await socket.ok("call.start", { channelId });
    expect(joined.started).toBe(true);
    expect(await socket.ok("call.leave")).toEqual({ left: true });
  }

  test("calls are 'getting ready' during a slow build and turn on, without a restart, once the SFU answers", async () => {
    const { api, sfuEnv } = await apiWaitingForSfu();
    const go = path.join(dir, "go");
    const fakeBuild = path.join(dir, "fake-build.sh");
    writeFileSync(
      fakeBuild,
      `#!/bin/sh\necho "mediasoup: compiling the worker (test stand-in) ..." >&2\n` +
        `while [ ! -f '${go}' ]; do sleep 0.1; done\necho '${workerBin().bin}'\n`,
    );
    chmodSync(fakeBuild, 0o755);
    const sfu = runSfu({ ...sfuEnv, PARLEY_MEDIASOUP_BUILD_CMD: fakeBuild });
    cleanups.push(() => sfu.stop());

    const socket = await TestSocket.connect(api.url, token);
    cleanups.push(async () => socket.close());
    await socket.ok("resume", { positions: {} });
    await waitFor(() => sfu.output().includes("test stand-in"), "the build to be under way");
    expect(sfu.output()).toContain("calls: getting ready");
    expect(await socket.ok("call.status")).toEqual({ state: "connecting" });
    const early = await socket.request("call.start", { channelId });
    expect(early.ok ? null : early.error).toMatchObject({
      code: "sfu_unavailable",
      message: expect.stringMatching(/getting ready/),
    });
    expect(socket.frames.some((f) => f.type === "callsAvailability")).toBe(false);

    writeFileSync(go, "");
    await expectCallsTurnOn(socket);
    await waitFor(() => sfu.output().includes("calls: ready"), "run-sfu.sh to say calls are ready");
  }, 120_000);

  test("with the worker cached, the real build.sh hands it over at once and the SFU starts", async () => {
    const { api, sfuEnv } = await apiWaitingForSfu();
    const sfu = runSfu(sfuEnv);
    cleanups.push(() => sfu.stop());
    const socket = await TestSocket.connect(api.url, token);
    cleanups.push(async () => socket.close());
    await socket.ok("resume", { positions: {} });
    await expectCallsTurnOn(socket);
    expect(sfu.output()).toMatch(/mediasoup: worker [\d.]+ cached/);

    // Stopping the script (ops/start's Ctrl-C) stops the SFU it started: nothing answers on its port after.
    await sfu.stop();
    const port = Number(sfuEnv.SFU_PORT);
    const deadline = Date.now() + 15_000;
    while (await answers(port)) {
      if (Date.now() > deadline) throw new Error(`the SFU still answers on ${port} 15 s after run-sfu.sh stopped`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  test("a failed build says what to do and leaves calls off", async () => {
    const sfu = runSfu({ SFU_PORT: String(await freePort()), PARLEY_MEDIASOUP_BUILD_CMD: "false" });
    await new Promise((resolve) => sfu.child.once("exit", resolve));
    expect(sfu.child.exitCode).toBe(1);
    expect(sfu.output()).toMatch(/calls: off: .*run bash ops\/mediasoup\/build.sh/);
  });
});
