// One browser test file's world: its own services (a database, a Redis key prefix and Kafka topics of this
// run), a real API process serving the built clients, one Chromium, and the browser contexts the file opens.
// `close()` ends all of it, in the reverse order, whatever state the file left it in.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type ApiProcess, createTestStack, launchChromium, startApi, type TestStack } from "api/test-support";
import type { Browser, BrowserContext } from "playwright-core";

/** Where the web client's browser tests write their screenshots. */
export const SCREENS = path.join(import.meta.dirname, "..", "..", ".test-results", "screens");

export interface HttpAnswer {
  res: Response;
  // biome-ignore lint/suspicious/noExplicitAny: tests check the bodies they read field by field
  json: any;
}

export interface WebStack {
  stack: TestStack;
  api: ApiProcess;
  browser: Browser;
  /** Contexts to close at the end: push each one the file opens. */
  contexts: BrowserContext[];
  /** A JSON request to the API as a browser of its origin would send it (`cookie`: whose session). */
  http(method: string, url: string, body?: unknown, cookie?: string): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/** `apiEnv` adds to (or overrides) the stack's environment for the API process. */
export async function startWebStack(apiEnv: Record<string, string> = {}): Promise<WebStack> {
  mkdirSync(SCREENS, { recursive: true });
  const stack = await createTestStack({ redis: true, kafka: true });
  const started = await Promise.allSettled([startApi({ ...stack.env, ...apiEnv }), launchChromium()]);
  const [api, browser] = started;
  if (api.status === "rejected" || browser.status === "rejected") {
    if (api.status === "fulfilled") await api.value.stop();
    if (browser.status === "fulfilled") await browser.value.close();
    await stack.cleanup();
    throw api.status === "rejected" ? api.reason : (browser as PromiseRejectedResult).reason;
  }
  return makeWebStack(stack, api.value, browser.value);
}

function makeWebStack(stack: TestStack, api: ApiProcess, browser: Browser): WebStack {
  const contexts: BrowserContext[] = [];
  return {
    stack,
    api,
    browser,
    contexts,
    async http(method, url, body, cookie = "") {
      const res = await fetch(`${api.url}${url}`, {
        method,
        headers: { "content-type": "application/json", origin: api.url, cookie },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { res, json: await res.json().catch(() => null) };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await api.stop();
      await stack.cleanup();
    },
  };
}

/** The session cookie a response set (`name=value`), for the next requests as that person. */
export const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
