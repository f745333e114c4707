// For import-rss.ts: Prisma's client after its first query (DATABASE_URL), when it has loaded and compiled
// its WebAssembly query compiler.
import { createDb } from "../../src/lib/prisma.js";

await createDb(process.env.DATABASE_URL as string, 1).user.count();
