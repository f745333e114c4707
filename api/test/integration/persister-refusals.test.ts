// Every refusal the persister can make (src/persister/refusals.ts) is impossible after acceptance (issue #11):
// for each one, the input that would cause it is refused at the edge first, with a typed error. `proofs`
// is typed by the list of refusals, so a new refusal without its proof does not compile.
//
// The API's own path, in-process: socket frames go through the socket's parser (frames.ts) and the real
// handlers, HTTP bodies through the real app; the in-process log runs the real persister inline on real
// PostgreSQL and only acknowledges once the persister has handled the event, so an "accepted" that the
// persister refused shows at once as a dead letter.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../../src/accounts/sessions.js";
import { AppError } from "../../src/errors.js";
import { messageHandlers } from "../../src/messages/socket.js";
import { Persister } from "../../src/persister/persister.js";
import type { Refusal } from "../../src/persister/refusals.js";
import { emitChannelEvents } from "../../src/realtime/emit.js";
import type { EventLog, LogRecord } from "../../src/realtime/event-log.js";
import { parseFrame } from "../../src/realtime/frames.js";
import type { FrameTurn, SocketContext } from "../../src/realtime/handlers.js";
import type { MemoryEventLog } from "../../src/realtime/memory-log.js";
import type { ClientRequest } from "../../src/realtime/protocol.js";
import type { Running } from "../../src/start-services.js";
import { createChannel } from "../support/fixtures.js";
import { hostileText } from "../support/hostile-text.js";
import { httpClient, signedIn } from "../support/http.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const RUNS = 150;

let stack: TestStack;
let services: Running;
let persister: Persister;
let log: MemoryEventLog;

beforeAll(async () => {
  // No Kafka: the in-process log, which waits for the persister. No send limit in the way of the properties.
  stack = await createTestStack({ env: { SEND_RATE_PER_10S: "100000" } });
  services = await stack.open();
  log = services.log as MemoryEventLog;
  persister = new Persister(services);
  await persister.start();
});

afterAll(async () => {
  await persister?.stop();
  await stack?.cleanup();
});

async function actor(): Promise<SessionUser> {
  const { user } = await signedIn(services.db, "member");
  return user as SessionUser;
}

/** Runs one frame as a socket would (parser, then handler): the reply's error code, or "accepted". */
async function viaSocket(user: SessionUser, frame: Record<string, unknown>): Promise<string> {
  const parsed = parseFrame(JSON.stringify({ id: "r1", ...frame }));
  if ("error" in parsed) return parsed.error.code;
  const handlers = messageHandlers(async () => []);
  const request = parsed.request as ClientRequest;
  const handler = handlers[request.type] as (
    ctx: SocketContext,
    r: ClientRequest,
    turn: FrameTurn,
  ) => Promise<{ status?: string }>;
  // A socket's first frame: nothing before it to wait for, nothing after it to let go.
  const turn: FrameTurn = { appending: () => {}, previous: Promise.resolve() };
  try {
    const result = await handler({ services, user } as unknown as SocketContext, request, turn);
    return result.status === "duplicate" ? "duplicate" : "accepted";
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

const deadLetters = () => log.deadLetters.map((d) => d.reason);

/** Records what an action appends to the log, without a persister behind it. */
function recordingLog(): EventLog & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return {
    kind: "memory",
    records,
    append: async (appended) => void records.push(...appended),
    consume: async () => ({ stop: async () => {} }),
    deadLetter: async () => {},
    ping: async () => 0,
    backlog: async () => ({ partitions: [], deadLetters: 0 }),
    replayDeadLetters: async () => 0,
    close: async () => {},
  };
}

/** Every .ts file of the API's source, for the checks that no code path can take away what an event needs. */
function sourceFiles(dir = path.resolve(import.meta.dirname, "../../src")): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "generated" ? [] : sourceFiles(full);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [full] : [];
  });
}

/** The edge refuses, or accepts and the persister stores: never accepted and then dead-lettered. */
async function neverRefusedAfterAcceptance(
  frameOf: (text: string) => Record<string, unknown>,
  user: SessionUser,
  texts: fc.Arbitrary<string> = hostileText,
) {
  const outcomes = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(texts, async (text) => {
      const before = log.deadLetters.length;
      const outcome = await viaSocket(user, frameOf(text));
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      expect(["accepted", "duplicate", "invalid_request", "frame_too_large", "bad_emoji"]).toContain(outcome);
      expect(deadLetters().slice(before)).toEqual([]);
    }),
    { numRuns: RUNS },
  );
  console.log(`${String(frameOf("x").type)}: ${RUNS} hostile texts →`, Object.fromEntries(outcomes));
  expect(outcomes.get("accepted") ?? 0).toBeGreaterThan(0);
  expect(outcomes.get("invalid_request") ?? 0).toBeGreaterThan(0);
}

const proofs: Record<Refusal, () => Promise<void>> = {
  // The API writes each event as JSON.stringify of it, keyed by its channel (realtime/emit.ts, the only door).
  async not_json() {
    const recording = recordingLog();
    const user = await actor();
    const channel = await createChannel(services.db, [user.id]);
    await viaSocket(user, { type: "sendMessage", channelId: channel.id, clientId: "json-1", body: "hi" });
    await emitChannelEvents(recording, [
      { type: "memberJoined", channelId: channel.id, actorId: user.id, data: { userId: user.id } },
    ]);
    for (const record of recording.records) expect(() => JSON.parse(record.value)).not.toThrow();
    expect(recording.records).toHaveLength(1);
  },

  // What the edge accepts passes the event schema: the events' text fields are the edge's own schemas, and
  // hostile text through every frame that carries text is refused or stored, never dead-lettered.
  async invalid_event() {
    const user = await actor();
    const channel = await createChannel(services.db, [user.id]);
    let n = 0;
    await neverRefusedAfterAcceptance(
      (body) => ({ type: "sendMessage", channelId: channel.id, clientId: `c${n++}`, body }),
      user,
    );
    await neverRefusedAfterAcceptance(
      (clientId) => ({ type: "sendMessage", channelId: channel.id, clientId, body: "b" }),
      user,
    );
    const target = await viaSocket(user, { type: "sendMessage", channelId: channel.id, clientId: "target", body: "t" });
    expect(target).toBe("accepted");
    const message = await services.db.message.findFirstOrThrow({ where: { authorId: user.id, clientId: "target" } });
    await neverRefusedAfterAcceptance((body) => ({ type: "editMessage", messageId: message.id, body }), user);
    const emoji = fc.oneof(hostileText, fc.constantFrom("👍", ":tada:", "❤️", "👩🏽‍💻", "🇫🇷", "1️⃣"));
    await neverRefusedAfterAcceptance(
      (e) => ({ type: "toggleReaction", messageId: message.id, emoji: e }),
      user,
      emoji,
    );

    // HTTP: channel topics and purposes become channelUpdated events.
    const admin = await signedIn(services.db, "admin");
    const call = httpClient(services);
    const created = await call("POST", "/api/channels", {
      token: admin.token,
      body: { kind: "public", name: "topics" },
    });
    const outcomes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, async (topic, purpose) => {
        const before = log.deadLetters.length;
        const res = await call("PATCH", `/api/channels/${created.body.channel.id}`, {
          token: admin.token,
          body: { topic, purpose },
        });
        outcomes.set(res.status, (outcomes.get(res.status) ?? 0) + 1);
        expect([200, 400]).toContain(res.status);
        expect(deadLetters().slice(before)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    console.log(`PATCH /api/channels/{id}: ${RUNS} hostile topics and purposes →`, Object.fromEntries(outcomes));
  },

  // emitChannelEvents keys every record by the event's own channel id.
  async wrong_partition() {
    const recording = recordingLog();
    const user = await actor();
    const [a, b] = await Promise.all([createChannel(services.db, [user.id]), createChannel(services.db, [user.id])]);
    await emitChannelEvents(recording, [
      { type: "memberJoined", channelId: a.id, actorId: user.id, data: { userId: user.id } },
      { type: "memberLeft", channelId: b.id, actorId: user.id, data: { userId: user.id } },
    ]);
    for (const record of recording.records) expect(record.key).toBe(JSON.parse(record.value).channelId);
  },

  // A message action names a channel that exists (the edge answers not_found otherwise), and no code path
  // deletes a channel, so it still exists when the persister stores the event.
  async channel_missing() {
    const user = await actor();
    const nowhere = "00000000-0000-4000-8000-000000000000";
    const send = await viaSocket(user, { type: "sendMessage", channelId: nowhere, clientId: "x", body: "hello?" });
    expect(send).toBe("not_found");
    const deleting = sourceFiles().filter((file) =>
      /DELETE FROM "Channel"|\.channel\.delete(Many)?\(/.test(readFileSync(file, "utf8")),
    );
    expect(deleting, "channels are never deleted; if that changes, the persister can orphan events").toEqual([]);
  },

  // A send's or a reaction's author is the signed-in user who made it, and users are never deleted.
  async author_missing() {
    const deleting = sourceFiles().filter((file) =>
      /DELETE FROM "User"|\.user\.delete(Many)?\(/.test(readFileSync(file, "utf8")),
    );
    expect(deleting, "users are never deleted; if that changes, an accepted message can lose its author").toEqual([]);
  },

  // What PostgreSQL refuses: text it cannot hold (covered by the property above: NUL and lone surrogates
  // are refused at the edge), a missing author (author_missing, above, before PostgreSQL is asked), and a
  // second message with the same (author, clientId) (a repeated send is dropped or refused).
  async store_refused() {
    const user = await actor();
    const [a, b] = await Promise.all([createChannel(services.db, [user.id]), createChannel(services.db, [user.id])]);
    expect(await viaSocket(user, { type: "sendMessage", channelId: a.id, clientId: "same", body: "1" })).toBe(
      "accepted",
    );
    expect(await viaSocket(user, { type: "sendMessage", channelId: a.id, clientId: "same", body: "2" })).toBe(
      "duplicate",
    );
    expect(await viaSocket(user, { type: "sendMessage", channelId: b.id, clientId: "same", body: "3" })).toBe(
      "client_id_reused",
    );
    expect(deadLetters()).toEqual([]);
  },
};

describe("every refusal the persister can make is impossible after acceptance", () => {
  for (const [refusal, proof] of Object.entries(proofs)) it(refusal, proof, 120_000);

  it("and nothing the edge accepted was dead-lettered", () => {
    expect(deadLetters()).toEqual([]);
  });
});
