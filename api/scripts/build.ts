// The production build (`bun run build`, through turbo): the API, the standalone persister and the
// standalone notifier bundled by esbuild into api/dist (main.js, persister.js, notifier.js and the chunks
// they share), run by plain `node` without tsx (issue #19: tsx's loader thread and transformed sources are
// ~55 MB of every process). Only our own TypeScript is bundled, the workspace's `sfu` included; every other
// package stays an import that Node resolves from api/node_modules at run time, so Prisma's generated
// client finds its runtime and WebAssembly, and the native modules (@node-rs/argon2, sharp, mediasoup's
// types only) load as installed. Such a package must be one of api's `dependencies` (a production install
// may leave devDependencies out): the build fails otherwise, naming the importer.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { build, type Plugin } from "esbuild";

const apiDir = path.resolve(import.meta.dirname, "..");
// Another directory for test/integration/production-bundle.test.ts; it must sit under api/, where Node
// finds the external packages.
const outdir = path.resolve(apiDir, process.argv[2] ?? "dist");
const { dependencies } = JSON.parse(readFileSync(path.join(apiDir, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};
const workspacePackages = new Set(
  Object.keys(dependencies).filter((name) => dependencies[name]?.startsWith("workspace:")),
);
const builtins = new Set(builtinModules);

/** "@scope/name/sub/path" → "@scope/name"; "name/sub" → "name". */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

const installedPackagesStayExternal: Plugin = {
  name: "installed-packages-stay-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:") || builtins.has(args.path)) return { external: true };
      const name = packageOf(args.path);
      if (workspacePackages.has(name)) return undefined; // TypeScript sources: bundled
      if (!(name in dependencies)) {
        const importer = path.relative(apiDir, args.importer);
        return { errors: [{ text: `${importer} imports ${name}, which is not in api's dependencies` }] };
      }
      return { external: true };
    });
  },
};

if (!existsSync(path.join(apiDir, "src/generated/prisma/client.ts"))) {
  console.error("api: Prisma's client is not generated: run `bun run db:generate` at the root (ops/start does)");
  process.exit(1);
}
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: apiDir,
  entryPoints: {
    main: "src/main.ts",
    persister: "src/persister/main.ts",
    notifier: "src/notifications/main.ts",
  },
  outdir,
  bundle: true,
  // Shared code in chunks, and `await import()` of our own modules (S3 storage, FCM) stays lazy.
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  // For `node --enable-source-maps` when a stack trace must name the TypeScript lines; Node ignores the
  // maps otherwise.
  sourcemap: "linked",
  metafile: true,
  logLevel: "warning",
  plugins: [installedPackagesStayExternal],
});
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith(".js"));
const kb = outputs.reduce((sum, [, o]) => sum + o.bytes, 0) / 1024;
console.log(
  `${path.relative(path.dirname(apiDir), outdir)}: ${outputs.length} files, ${kb.toFixed(0)} KB (main.js, persister.js, notifier.js)`,
);
