import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// In development the API (default :3000) serves /api and /ws; Vite proxies to it.
const api = process.env.PARLEY_API ?? "http://localhost:3000";

export default defineConfig({
  base: "/admin/",
  plugins: [solid()],
  server: { port: 5174, proxy: { "/api": api, "/ws": { target: api, ws: true }, "/readyz": api } },
  build: { target: "es2022" },
});
