// The one HTTP gateway of the admin dashboard: typed by the API's own routes (Hono RPC).
import type { AppType } from "api/client";
import { hc } from "hono/client";

export const api = hc<AppType>("/", { init: { credentials: "same-origin" } });
