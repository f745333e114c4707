// Both apps wrap their routes in web/shared's AppErrorBoundary; this drives the same check of it in each.
import { screenshotWidths } from "api/test-support";
import type { BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";

export interface ChunkFailure {
  /** The lazily loaded page chunk to refuse (as after a deploy removed it, or a dropped connection). */
  chunk: RegExp;
  /** The navigation that needs the chunk. */
  open(): Promise<void>;
  /** Resolves once the page shows after Reload. */
  reloaded(): Promise<void>;
  /** Where the error page's screenshots go (`app-error-*`). */
  screens: string;
}

/**
 * With the chunk refused, `open` shows the error page with nothing blocked by the policy and nothing sent
 * outside (`problems` from watchPolicy on `context`); with it let through again, Reload brings the page back.
 */
export async function checkChunkFailure(context: BrowserContext, page: Page, problems: string[], t: ChunkFailure) {
  let blocked = 0;
  await context.route(t.chunk, (route) => {
    blocked += 1;
    return route.abort();
  });
  await t.open();
  const error = page.getByTestId("app-error");
  await error.getByRole("heading", { name: "This page could not be loaded" }).waitFor({ timeout: 20_000 });
  expect(blocked).toBeGreaterThan(0);
  await screenshotWidths(page, t.screens, "app-error");
  // The failed import is logged by the browser itself; nothing the policy blocked, nothing sent outside.
  expect(problems.filter((p) => !p.startsWith("console:"))).toEqual([]);
  expect(problems.filter((p) => /CSP violation/.test(p))).toEqual([]);

  await context.unroute(t.chunk);
  await error.getByRole("button", { name: "Reload" }).click();
  await t.reloaded();
  expect(await page.getByTestId("app-error").count()).toBe(0);
}
