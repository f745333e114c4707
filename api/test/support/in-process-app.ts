// A test file whose world is the app in-process (support/http.ts) on the file's own stack: PostgreSQL and
// Redis of this run, no Kafka. Call it at the top of the file: it registers the file's beforeAll and
// afterAll, and `services` and `call` are there from the first test on. `prepare` runs last in beforeAll,
// for what every test of the file needs (a workspace row, a signed-in admin …).
import { afterAll, beforeAll } from "vitest";
import type { Running } from "../../src/start-services.js";
import { httpClient } from "./http.js";
import { createTestStack, type TestStack } from "./stack.js";

export interface InProcessApp {
  readonly services: Running;
  readonly call: ReturnType<typeof httpClient>;
}

export function inProcessApp(prepare?: (app: InProcessApp) => Promise<void>): InProcessApp {
  let opened: InProcessApp | undefined;
  let stack: TestStack | undefined;
  beforeAll(async () => {
    stack = await createTestStack({ redis: true });
    const services = await stack.open();
    opened = { services, call: httpClient(services) };
    await prepare?.(opened);
  });
  afterAll(async () => {
    await stack?.cleanup();
  });
  const up = (): InProcessApp => {
    if (!opened) throw new Error("the file's stack is not up (see its beforeAll)");
    return opened;
  };
  return {
    get services() {
      return up().services;
    },
    get call() {
      return up().call;
    },
  };
}
