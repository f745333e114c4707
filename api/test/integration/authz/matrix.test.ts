// The authorization matrix (issue #11), generated: every operation of /api/openapi.json and every request
// frame of the protocol module × who asks (owner, admin, member, guest, signed out) × how they stand to the
// target (a member of the private channel it is about; not a member of it; an outsider to a DM between two
// others). The expected outcome of each cell is data below (EXPECTED); an operation or frame the table
// lacks fails the test, so a new route cannot skip it. Against a real node on real services, each cell with
// fresh users, channel and messages (operations change their target).
//
// Each cell is one character, grouped by role (owner admin member guest signedOut), in each group by
// membership (member, not member, DM outsider):
//   y  succeeds (2xx, or an ok reply)
//   -  refused because of who asks (401, 403, or 404 for what they may not know exists)
//   n  refused for another reason this setup holds for everyone (a wrong password, no media server): not a
//      success, and not an authorization refusal
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../../src/accounts/passwords.js";
import { createSession } from "../../../src/accounts/sessions.js";
import { createDb, type Db } from "../../../src/lib/prisma.js";
import { clientRequestSchema } from "../../../src/realtime/protocol.js";
import { createUser } from "../../support/fixtures.js";
import { FuzzSocket } from "../../support/fuzz-socket.js";
import { type ApiProcess, startApi } from "../../support/processes.js";
import { createTestStack, type TestStack } from "../../support/stack.js";
import { type Cell, EXPECTED_FRAMES, EXPECTED_ROUTES } from "./expected.js";
import { type Ctx, FRAME_CASES, type HttpRequest, ROUTE_CASES } from "./requests.js";

const ROLES = ["owner", "admin", "member", "guest", "signedOut"] as const;
const MEMBERSHIPS = ["member", "notMember", "dmOutsider"] as const;
type Role = (typeof ROLES)[number];
type Membership = (typeof MEMBERSHIPS)[number];

let stack: TestStack;
let db: Db;
let node: ApiProcess;
let passwordHash: string;
const PASSWORD = "matrix-password-123";

beforeAll(async () => {
  stack = await createTestStack({
    redis: true,
    kafka: true,
    env: { SEND_RATE_PER_10S: "100000", SOCKET_FRAMES_PER_SECOND: "100000", SEARCHES_PER_MINUTE: "100000" },
  });
  db = createDb(stack.config.DATABASE_URL ?? "");
  node = await startApi(stack.env);
  passwordHash = await hashPassword(PASSWORD);
}, 180_000);

// A 5xx fails the test; what the node logged as an error says why (the reply only carries a request id).
afterEach(({ task }) => {
  if (task.result?.state !== "fail" || !node) return;
  const errors = node.loggedAtLeast(50);
  if (errors.length > 0) console.error(`the node's errors:\n${errors.slice(-20).join("\n")}`);
});

afterAll(async () => {
  await node?.stop();
  await db?.$disconnect();
  await stack?.cleanup();
});

/** One cell's world: the caller, the channel it is about, its messages, and other people. */
async function world(role: Role, membership: Membership): Promise<Ctx> {
  const caller = role === "signedOut" ? null : await createUser(db, { role });
  const [author, third, stranger] = await Promise.all([createUser(db), createUser(db), createUser(db)]);
  await db.user.update({ where: { id: author.id }, data: { passwordHash } });
  const members = membership === "member" && caller ? [caller.id, author.id, third.id] : [author.id, third.id];
  const channel =
    membership === "dmOutsider"
      ? await db.channel.create({
          data: {
            kind: "dm",
            memberKey: [author.id, third.id].sort().join(","),
            members: { create: members.map((userId) => ({ userId })) },
          },
        })
      : await db.channel.create({
          data: {
            kind: "private",
            name: `m-${randomUUID().slice(0, 8)}`,
            members: { create: members.map((userId) => ({ userId })) },
          },
        });
  const message = await storeMessage(channel.id, author.id, 1);
  const own = caller && membership === "member" ? await storeMessage(channel.id, caller.id, 2) : message;
  await db.channel.update({ where: { id: channel.id }, data: { lastSeq: 2 } });
  const session = caller ? await createSession(db, caller.id, 1) : undefined;
  if (caller) await db.user.update({ where: { id: caller.id }, data: { passwordHash } });
  return {
    db,
    caller,
    token: session?.token,
    sessionId: session?.session.id,
    author,
    third,
    stranger,
    channel,
    message,
    own,
    password: PASSWORD,
    baseUrl: node.url,
  };
}

async function storeMessage(channelId: string, authorId: string, seq: number) {
  return db.message.create({
    data: { id: randomUUID(), channelId, authorId, seq, clientId: randomUUID(), body: "hello matrix" },
  });
}

type Outcome = { status: number; code: string | null };

function observed({ status, code }: Outcome): Cell {
  if (status < 300) return "y";
  if (status === 401 || status === 403 || (status === 404 && code !== "route_not_found")) return "-";
  return "n";
}

const cellOf = (table: string, role: Role, membership: Membership): Cell => {
  const groups = table.trim().split(/\s+/);
  return groups[ROLES.indexOf(role)]?.[MEMBERSHIPS.indexOf(membership)] as Cell;
};

async function httpOutcome(method: string, ctx: Ctx, request: HttpRequest): Promise<Outcome> {
  const headers: Record<string, string> = { origin: node.url };
  if (ctx.token) headers.cookie = `parley_session=${ctx.token}`;
  let body: string | Uint8Array | undefined;
  if (request.raw) {
    headers["content-type"] = request.raw.contentType;
    body = request.raw.data;
  } else if (request.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(request.body);
  }
  const res = await fetch(`${node.url}${request.url}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  expect(res.status, `${method} ${request.url} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  let code: string | null = null;
  try {
    code = JSON.parse(text)?.error?.code ?? null;
  } catch {}
  return { status: res.status, code };
}

async function frameOutcome(type: string, ctx: Ctx, payload: Record<string, unknown>): Promise<Outcome> {
  if (!ctx.token) {
    // No socket without a session: the upgrade is refused before any frame.
    const refused = await FuzzSocket.connect(node.url, "").then(
      (socket) => {
        socket.close();
        return null;
      },
      (error: Error) => Number(/upgrade refused: (\d+)/.exec(error.message)?.[1] ?? 0),
    );
    return { status: refused ?? 200, code: null };
  }
  const socket = await FuzzSocket.connect(node.url, ctx.token);
  try {
    const outcome = await socket.send(JSON.stringify({ id: "m1", type, ...payload }));
    if (outcome.kind === "closed") throw new Error(`${type}: socket closed with ${outcome.code}`);
    const { frame } = outcome;
    if (frame.ok) return { status: 200, code: null };
    const code = String(frame.error?.code);
    expect(code, `${type}: ${JSON.stringify(frame.error)}`).not.toBe("internal");
    return { status: FRAME_STATUS[code] ?? 400, code };
  } finally {
    socket.close();
  }
}

/** Error codes of socket replies that mean "not you" (as 401/403/404 do over HTTP). */
const FRAME_STATUS: Record<string, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_member: 403,
  not_author: 403,
  not_channel_admin: 403,
  guest_restricted: 403,
  not_found: 404,
};

interface Tally {
  cells: number;
  unexpectedSuccesses: string[];
  mismatches: string[];
}

async function runMatrix(
  kind: string,
  keys: string[],
  expected: Record<string, string>,
  outcome: (key: string, ctx: Ctx) => Promise<Outcome>,
): Promise<Tally> {
  const tally: Tally = { cells: 0, unexpectedSuccesses: [], mismatches: [] };
  for (const key of keys) {
    const table = expected[key];
    if (!table) continue;
    // The 15 cells of a key at once: each has a world of its own.
    const cells = ROLES.flatMap((role) => MEMBERSHIPS.map((membership) => ({ role, membership })));
    await Promise.all(
      cells.map(async ({ role, membership }) => {
        const want = cellOf(table, role, membership);
        const got = await outcome(key, await world(role, membership));
        const seen = observed(got);
        tally.cells++;
        if (seen === want) return;
        const line = `${kind} ${key} as ${role}, ${membership}: expected ${want}, got ${seen} (${got.status} ${got.code})`;
        if (seen === "y") tally.unexpectedSuccesses.push(line);
        else tally.mismatches.push(line);
      }),
    );
  }
  return tally;
}

describe("the authorization matrix", () => {
  it("covers every operation of /api/openapi.json and every frame of the protocol module", async () => {
    const doc = (await (await fetch(`${node.url}/api/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const frames = clientRequestSchema.options.map((o) => o.shape.type.value as string);
    expect(
      operations.filter((o) => !EXPECTED_ROUTES[o] || !ROUTE_CASES[o]),
      "operations missing from the table",
    ).toEqual([]);
    expect(
      frames.filter((f) => !EXPECTED_FRAMES[f] || !FRAME_CASES[f]),
      "frames missing from the table",
    ).toEqual([]);
    expect(
      Object.keys(EXPECTED_ROUTES).filter((o) => !operations.includes(o)),
      "routes that no longer exist",
    ).toEqual([]);
    expect(
      Object.keys(EXPECTED_FRAMES).filter((f) => !frames.includes(f)),
      "frames that no longer exist",
    ).toEqual([]);
    for (const table of [...Object.values(EXPECTED_ROUTES), ...Object.values(EXPECTED_FRAMES)])
      expect(table).toMatch(/^[yn-]{3}( [yn-]{3}){4}$/);
  });

  it("every operation × role × membership answers as the table says; no unexpected success", async () => {
    const doc = (await (await fetch(`${node.url}/api/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const tally = await runMatrix("HTTP", operations, EXPECTED_ROUTES, async (key, ctx) => {
      const [method = "GET"] = key.split(" ");
      const prepare = ROUTE_CASES[key];
      if (!prepare) throw new Error(`no request for ${key}`);
      return httpOutcome(method, ctx, await prepare(ctx));
    });
    console.log(
      `authz matrix HTTP: ${operations.length} operations × ${ROLES.length} roles × ${MEMBERSHIPS.length} memberships = ${tally.cells} cells; unexpected successes ${tally.unexpectedSuccesses.length}, other mismatches ${tally.mismatches.length}`,
    );
    expect({ unexpected: tally.unexpectedSuccesses, mismatches: tally.mismatches }).toEqual({
      unexpected: [],
      mismatches: [],
    });
  }, 900_000);

  it("every frame × role × membership answers as the table says; no unexpected success", async () => {
    const frames = clientRequestSchema.options.map((o) => o.shape.type.value as string);
    const tally = await runMatrix("frame", frames, EXPECTED_FRAMES, async (type, ctx) => {
      const prepare = FRAME_CASES[type];
      if (!prepare) throw new Error(`no frame for ${type}`);
      return frameOutcome(type, ctx, await prepare(ctx));
    });
    console.log(
      `authz matrix frames: ${frames.length} frames × ${ROLES.length} roles × ${MEMBERSHIPS.length} memberships = ${tally.cells} cells; unexpected successes ${tally.unexpectedSuccesses.length}, other mismatches ${tally.mismatches.length}`,
    );
    expect({ unexpected: tally.unexpectedSuccesses, mismatches: tally.mismatches }).toEqual({
      unexpected: [],
      mismatches: [],
    });
  }, 900_000);
});
