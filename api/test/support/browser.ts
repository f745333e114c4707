// Real headless Chromium (Debian's package) driven by playwright-core, which gives every launch a fresh
// profile. CHROMIUM_PATH overrides the binary.
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  const found = candidates.find((p): p is string => Boolean(p && existsSync(p)));
  if (!found)
    throw new Error("Chromium not found: run `apt-get install chromium` (ops/test does) or set CHROMIUM_PATH");
  return found;
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
}

/** The widths every screen is looked at: a laptop and a phone. */
export const SCREEN_WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/**
 * Writes `<dir>/<name>-1280.png` and `<dir>/<name>-390.png`: the page as it is now at each width, then
 * puts the page back to the width it had.
 */
export async function screenshotWidths(page: Page, dir: string, name: string) {
  const before = page.viewportSize();
  for (const size of SCREEN_WIDTHS) {
    await page.setViewportSize(size);
    // Two animation frames: layout at the new width has been done and painted.
    await page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))");
    await page.screenshot({ path: `${dir}/${name}-${size.width}.png` });
  }
  if (before) await page.setViewportSize(before);
}

/**
 * Collects what a strict Content-Security-Policy or an offline machine would break on the context's pages:
 * CSP violations (securitypolicyviolation events), script errors and console errors, and any request that
 * leaves `origin`. A console line about an HTTP status ("Failed to load resource: … 401") is an answer the
 * app handles, not a script error, and is left out.
 */
export async function watchPolicy(context: BrowserContext, origin: string): Promise<string[]> {
  const problems: string[] = [];
  // A string: this package's TypeScript knows no DOM; the script runs in the page.
  await context.addInitScript(`document.addEventListener("securitypolicyviolation", (e) =>
    console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile));`);
  context.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      problems.push(`console: ${message.text()}`);
  });
  context.on("weberror", (error) => problems.push(`script error: ${error.error().message}`));
  const socketOrigin = origin.replace(/^http/, "ws");
  context.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith(socketOrigin) && !/^(data|blob):/.test(url))
      problems.push(`request outside ${origin}: ${url}`);
  });
  return problems;
}
