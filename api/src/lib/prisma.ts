import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";

export type Db = PrismaClient;

// Prisma's defaults give an interactive transaction 2 s to get a connection and 5 s to finish, then fail the
// request with a 500. On a busy node (or a loaded 2-core box) a short queue for the pool is normal: a slower
// answer is better than an error. Longer bounds still end a transaction that is truly stuck.
const TRANSACTIONS = { maxWait: 15_000, timeout: 30_000 };

export function createDb(databaseUrl: string, poolSize = 10): Db {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }),
    transactionOptions: TRANSACTIONS,
  });
}
