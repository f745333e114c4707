// The socket upgrade validates sessions on prepared `pg` statements (validateSessionTokenSql); HTTP routes
// use Prisma (validateSessionToken). Both must give the same answer and leave the same rows behind: a
// live session and its user as stored, an unknown token null, an expired session null and deleted, and a
// session past half its life extended.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, validateSessionToken, validateSessionTokenSql } from "../../src/accounts/sessions.js";
import type { Running } from "../../src/start-services.js";
import { createUser } from "../support/fixtures.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

let stack: TestStack;
let services: Running;

beforeAll(async () => {
  stack = await createTestStack();
  services = await stack.open();
});

afterAll(async () => {
  await stack?.cleanup();
});

/** Two sessions of one user in the same state: one for each validator. */
async function twoSessions(expiresInMs: number) {
  const user = await createUser(services.db);
  await services.db.user.update({
    where: { id: user.id },
    data: { statusText: "out to lunch", statusEmoji: "🍜", bannedUntil: new Date("2031-01-02T03:04:05.678Z") },
  });
  const make = async () => {
    const { token, session } = await createSession(services.db, user.id, DAYS, { ip: "203.0.113.9", userAgent: "t" });
    await services.db.session.update({
      where: { id: session.id },
      data: { expiresAt: new Date(Date.now() + expiresInMs) },
    });
    return { token, id: session.id };
  };
  return { prisma: await make(), sql: await make() };
}

describe("session validation on pg", () => {
  it("answers a live session with its user exactly as Prisma does", async () => {
    const s = await twoSessions(DAYS * DAY_MS - 60_000);
    const viaPrisma = await validateSessionToken(services.db, s.prisma.token, DAYS);
    const viaSql = await validateSessionTokenSql(services.sql, s.sql.token, DAYS);
    expect(viaSql).not.toBeNull();
    expect(viaSql?.user).toEqual(viaPrisma?.user);
    expect(viaSql?.session).toEqual(await services.db.session.findUnique({ where: { id: s.sql.id } }));
    expect(Object.keys(viaSql?.session ?? {}).sort()).toEqual(Object.keys(viaPrisma?.session ?? {}).sort());
  });

  it("answers null for an unknown token", async () => {
    expect(await validateSessionTokenSql(services.sql, "no-such-token", DAYS)).toBeNull();
  });

  it("deletes an expired session and answers null", async () => {
    const s = await twoSessions(-1000);
    expect(await validateSessionTokenSql(services.sql, s.sql.token, DAYS)).toBeNull();
    expect(await validateSessionToken(services.db, s.prisma.token, DAYS)).toBeNull();
    expect(await services.db.session.count({ where: { id: { in: [s.sql.id, s.prisma.id] } } })).toBe(0);
  });

  it("extends a session past half its life, in the answer and in the row", async () => {
    const s = await twoSessions(DAY_MS);
    const before = Date.now();
    const viaSql = await validateSessionTokenSql(services.sql, s.sql.token, DAYS);
    const viaPrisma = await validateSessionToken(services.db, s.prisma.token, DAYS);
    for (const answer of [viaSql, viaPrisma])
      expect(answer?.session.expiresAt.getTime()).toBeGreaterThanOrEqual(before + DAYS * DAY_MS);
    const row = await services.db.session.findUnique({ where: { id: s.sql.id } });
    expect(row?.expiresAt).toEqual(viaSql?.session.expiresAt);
    expect(row?.lastUsedAt).toEqual(viaSql?.session.lastUsedAt);
  });
});
