// The one HTTP gateway of the web client: typed by the API's own routes (Hono RPC).
import type { AppType } from "api/client";
import { hc } from "hono/client";

export const api = hc<AppType>("/", { init: { credentials: "same-origin" } });
