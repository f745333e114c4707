import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// In development the API (default :3000) serves /api and /ws; Vite proxies to it.
const api = process.env.PARLEY_API ?? "http://localhost:3000";

export default defineConfig({
  plugins: [solid()],
  server: { port: 5173, proxy: { "/api": api, "/ws": { target: api, ws: true }, "/readyz": api } },
  build: {
    target: "es2022",
    rollupOptions: {
      // The service worker is its own entry at a fixed path (/sw.js): its scope is the whole app.
      input: { index: "index.html", sw: "src/sw/service-worker.ts" },
      output: { entryFileNames: (chunk) => (chunk.name === "sw" ? "sw.js" : "assets/[name]-[hash].js") },
    },
  },
});
