// Type-only surface for web/ and admin/: they `import type` from "api/client" and nothing else.
export type { AppType } from "./app.js";
