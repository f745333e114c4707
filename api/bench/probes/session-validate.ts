// CPU and wall time of validating a session token at the socket upgrade: on Prisma (validateSessionToken,
// what the gateway used) against prepared `pg` (validateSessionTokenSql, what it uses now), one call at a
// time on a private stack. Run: cd api && KAFKA_PORT=9192 node --import tsx bench/probes/session-validate.ts
// (services up: bash ops/services up).
import { validateSessionToken, validateSessionTokenSql } from "../../src/accounts/sessions.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import { startServices } from "../../src/start-services.js";
import { type SeededUser, seedUsers } from "../lib/seed.js";
import { cleanupRun, createStack } from "../lib/stack.js";
import { timeEach } from "./time-each.js";

const stack = await createStack("probe-session");
const services = await startServices(loadConfig(stack.env), createLogger("warn", "probe"), { migrate: false });
try {
  const users = await seedUsers(stack.db, 2000, "probe");
  const token = (i: number) => (users[Math.abs(i) % users.length] as SeededUser).token;
  const days = services.config.SESSION_DAYS;
  await timeEach("validateSessionToken (Prisma findUnique + include user)", (i) =>
    validateSessionToken(services.db, token(i), days),
  );
  await timeEach("validateSessionTokenSql (one prepared pg statement)", (i) =>
    validateSessionTokenSql(services.sql, token(i), days),
  );
} finally {
  await services.close();
  await stack.cleanup();
  await cleanupRun();
}
