// A test file whose world is one API process with PERSISTER=off and a standalone persister process, on the
// file's own stack (PostgreSQL, Redis and Kafka of this run). Call it at the top of the file: it registers
// the file's beforeAll and afterAll, and its fields are there from the first test on.
import { afterAll, beforeAll } from "vitest";
import type { Running } from "../../src/start-services.js";
import { type ApiProcess, type ProcessHandle, startApi, startPersister } from "./processes.js";
import { createTestStack, type TestStack } from "./stack.js";

export interface ApiAndPersister {
  readonly stack: TestStack;
  readonly services: Running;
  readonly api: ApiProcess;
  readonly persister: ProcessHandle;
}

/** `apiEnv` adds to the stack's environment for the API process (SEND_RATE_PER_10S …). */
export function apiAndPersister(apiEnv: Record<string, string> = {}): ApiAndPersister {
  let stack: TestStack | undefined;
  let services: Running | undefined;
  let api: ApiProcess | undefined;
  let persister: ProcessHandle | undefined;
  beforeAll(async () => {
    stack = await createTestStack({ redis: true, kafka: true });
    services = await stack.open();
    [api, persister] = await Promise.all([
      startApi({ ...stack.env, PERSISTER: "off", ...apiEnv }),
      startPersister(stack.env),
    ]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([api?.stop(), persister?.stop()]);
    await stack?.cleanup();
  });
  const up = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the file's stack is not up (see its beforeAll)");
    return value;
  };
  return {
    get stack() {
      return up(stack);
    },
    get services() {
      return up(services);
    },
    get api() {
      return up(api);
    },
    get persister() {
      return up(persister);
    },
  };
}
