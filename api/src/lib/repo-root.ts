// The repository's root directory: the nearest one above this module that holds prisma/prisma.config.ts.
// Found rather than counted in "..": from sources (tsx, tests) this module sits in api/src/lib, in the
// production bundle (scripts/build.ts) every module shares the output file's api/dist.
import { existsSync } from "node:fs";
import path from "node:path";

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "prisma", "prisma.config.ts"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no prisma/prisma.config.ts above ${from}: not a Parley checkout`);
  }
}

export const repoRoot = findRepoRoot(import.meta.dirname);
