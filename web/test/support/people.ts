// People for browser tests: accounts made the way an admin makes them (the account, then its one-time
// set-password link), and signed-in tabs whose sockets a test can see and cut.
import type { ApiProcess } from "api/test-support";
import type { Browser, BrowserContext, Page } from "playwright-core";

export const OWNER = { email: "owner@parley.test", password: "owner-password-123", name: "Admin" };

export interface Person {
  id: string;
  email: string;
  password: string;
  name: string;
}

export async function post(api: ApiProcess, path: string, body: unknown, cookie = "") {
  const res = await fetch(`${api.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: api.url, cookie },
    body: JSON.stringify(body),
  });
  return { res, json: (await res.json().catch(() => null)) as unknown };
}

export async function ownerCookie(api: ApiProcess) {
  const login = await post(api, "/api/auth/login", { email: OWNER.email, password: OWNER.password });
  return (login.res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

export async function makePerson(api: ApiProcess, cookie: string, name: string): Promise<Person> {
  const email = `${name.toLowerCase()}@parley.test`;
  const password = `${name.toLowerCase()}-password-456`;
  const made = await post(api, "/api/admin/users", { email, displayName: name }, cookie);
  if (made.res.status !== 201) throw new Error(`making ${name}: ${made.res.status} ${JSON.stringify(made.json)}`);
  const { user, setPassword } = made.json as { user: { id: string }; setPassword: { link: string } };
  const token = new URLSearchParams(new URL(setPassword.link).hash.slice(1)).get("token");
  const set = await post(api, "/api/auth/set-password", { token, password });
  if (set.res.status !== 200) throw new Error(`setting ${name}'s password: ${set.res.status}`);
  return { id: user.id, email, password, name };
}

/** A signed-in tab (a phone's with `phone`); window.__blockWs makes new sockets fail (a path of our origin that refuses upgrades). */
export async function signIn(
  browser: Browser,
  api: ApiProcess,
  who: { email: string; password: string },
  options: { dark?: boolean; contexts?: BrowserContext[]; phone?: boolean } = {},
): Promise<Page> {
  // A phone: 390 px, touch, no hover (the message actions open from their "⋯" button).
  const phone = options.phone ? { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } : {};
  const context = await browser.newContext({ colorScheme: options.dark ? "dark" : "light", ...phone });
  options.contexts?.push(context);
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const w = window as unknown as { __sockets: WebSocket[]; __blockWs: boolean };
    w.__sockets = [];
    w.__blockWs = false;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(w.__blockWs ? `${location.origin.replace(/^http/, "ws")}/ws-blocked` : url, protocols);
        w.__sockets.push(this);
      }
    };
  });
  const page = await context.newPage();
  await page.goto(`${api.url}/login`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // On a phone the sidebar, which shows it, is a closed drawer.
  await page
    .getByTestId("connection")
    .filter({ hasText: "online" })
    .waitFor({ state: options.phone ? "attached" : "visible" });
  return page;
}

export const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });

export async function send(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press("Enter");
}

/** Opens #general from the sidebar. */
export async function openGeneral(page: Page) {
  await page.getByTestId("channel-general").getByRole("link").click();
  await page.getByTestId("channel-name").filter({ hasText: "general" }).waitFor();
}

/** A signed-in desk tab with #general open and its composer ready (the context is pushed on `contexts`). */
export async function deskAtGeneral(
  browser: Browser,
  api: ApiProcess,
  who: { email: string; password: string },
  contexts: BrowserContext[],
): Promise<Page> {
  const page = await signIn(browser, api, who, { contexts });
  await openGeneral(page);
  await composer(page).waitFor();
  return page;
}
