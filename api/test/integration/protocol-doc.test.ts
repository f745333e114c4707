// api/PROTOCOL.md and the server agree (issue #11 item 6). The document's examples are read out of it
// (test/support/protocol-examples.ts): each request example is sent to a real API node, and its reply must
// be the reply example with the same id; every server frame example must be one the server sent; the error
// frame examples come from frames that cannot be answered. Its tables must list every request type, the
// codes the server answers with, and the close codes; the numbers it states are the server's. And what it
// says about limits is what the server does: request ids, lengths in code points, malformed frames, 1007.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { SESSION_COOKIE } from "../../src/middleware/session/index.js";
import { MAX_MESSAGE_LENGTH } from "../../src/realtime/channel-events.js";
import { emitChannelEvents } from "../../src/realtime/emit.js";
import {
  CloseCode,
  clientRequestSchema,
  MAX_FRAME_BYTES,
  MAX_MALFORMED_FRAMES,
  type ServerFrame,
} from "../../src/realtime/protocol.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { matchExample, parseExamples, protocolText, tableKeys } from "../support/protocol-examples.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  api = await startApi({ ...stack.env, SEND_RATE_PER_10S: "5000" });
}, 180_000);

afterAll(async () => {
  await api?.stop();
  await stack?.cleanup();
});

const examples = parseExamples();
const requestTypes = new Set<unknown>(clientRequestSchema.options.map((o) => o.shape.type.value));
const isRequest = (v: unknown): v is Record<string, unknown> & { id: string; type: string } =>
  typeof v === "object" && v !== null && "id" in v && requestTypes.has((v as { type?: unknown }).type);
const frameExamples = examples.filter((e) => !isRequest(e.value));
/** Sections whose examples other tests hold against the server (they need an SFU, or the notifier). */
const elsewhere = (section: string) =>
  /call/i.test(section)
    ? "the calls tests: it needs an SFU and a call"
    : /notif/i.test(section)
      ? "the notifier's tests"
      : null;
/** Error codes the server answered with during this file, to hold against the error table. */
const seenCodes = new Set<string>();

function substitute(value: unknown, placeholders: Record<string, string>): unknown {
  if (typeof value === "string") {
    if (!value.includes("…")) return value;
    const real = placeholders[value];
    if (!real) throw new Error(`PROTOCOL.md uses the placeholder ${value} in a request: map it in this test`);
    return real;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, placeholders));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, placeholders)]));
  return value;
}

/** The first frame the socket received that the example describes, or why none is. */
function findMatching(frames: ServerFrame[], example: unknown) {
  const problems: string[] = [];
  for (const frame of frames) {
    const problem = matchExample(frame, example);
    if (!problem) return null;
    problems.push(problem);
  }
  return problems.join("\n") || "no frame of that kind arrived";
}

async function asUser() {
  const user = await createUser(services.db);
  return { user, token: await sessionToken(services.db, user.id) };
}

describe("PROTOCOL.md, against the server", () => {
  it("has examples that are all readable, and numbers that are the server's", () => {
    expect(examples.length).toBeGreaterThan(10);
    const hello = frameExamples.find((e) => (e.value as { type?: string }).type === "hello")?.value as {
      maxFrameBytes: number;
    };
    expect(hello.maxFrameBytes).toBe(MAX_FRAME_BYTES);
    const text = protocolText();
    expect(text).toContain(`\`body\` (1–${MAX_MESSAGE_LENGTH}`);
    expect(text).toContain("`id` (1–64 characters");
    expect(text).toContain(`The ${MAX_MALFORMED_FRAMES + 1}st malformed frame`);
  });

  it("names every request type and no other, and lists every close code the server uses", () => {
    const text = protocolText();
    const undocumented = [...requestTypes].filter(
      (type) => !text.includes(`| \`${type}\``) && !text.includes(`"type": "${type}"`),
    );
    expect(undocumented, "request types PROTOCOL.md does not describe").toEqual([]);
    for (const type of [...tableKeys("Requests and replies"), ...tableKeys("Requests")])
      expect(requestTypes.has(type), `PROTOCOL.md lists ${type}`).toBe(true);
    const closeCodes = tableKeys("Heartbeats, limits and closing").map(Number).sort();
    expect(closeCodes).toEqual([...Object.values(CloseCode), 1007, 1009].sort());
  });

  it("answers each request example with its reply example, and sends every frame the examples show", async () => {
    const alice = await asUser();
    const bob = await asUser();
    const carol = await asUser();
    const shared = await createChannel(services.db, [alice.user.id, bob.user.id]);
    const carols = await createChannel(services.db, [carol.user.id], "private");
    const placeholders = { "1f0…": shared.id, "7d2…": carols.id };

    const a1 = await TestSocket.connect(api.url, alice.token);
    const [a2, b1] = await Promise.all([
      TestSocket.connect(api.url, alice.token),
      TestSocket.connect(api.url, bob.token),
    ]);
    await waitFor(() => a1.frames.length > 0, "hello");
    await Promise.all([a1, a2, b1].map((s) => s.ok("resume", { positions: {} })));

    // Each request example, as written (ids mapped), and the reply example with its id.
    const replyExamples = new Map(
      frameExamples
        .filter((e) => (e.value as { type?: string }).type === "reply")
        .map((e) => [(e.value as { id: string }).id, e.value]),
    );
    for (const { value } of examples.filter((e) => isRequest(e.value))) {
      const request = value as { id: string; type: string };
      const wanted = replyExamples.get(request.id);
      expect(wanted, `PROTOCOL.md shows no reply to request ${request.id}`).toBeDefined();
      a1.ws.send(JSON.stringify(substitute(request, placeholders)));
      await waitFor(() => a1.frames.some((f) => f.type === "reply" && f.id === request.id), `reply ${request.id}`);
      const reply = a1.frames.find((f) => f.type === "reply" && f.id === request.id);
      expect(matchExample(reply, wanted), JSON.stringify(reply)).toBeNull();
      if (reply?.type === "reply" && !reply.ok) seenCodes.add(reply.error.code);
      replyExamples.delete(request.id);
    }
    for (const [id, reply] of replyExamples) {
      const code = (reply as { error?: { code: string } }).error?.code;
      console.log(`reply example ${id} (${code}) is not produced here: it needs the message log down (kafka tests)`);
      expect(tableKeys("Errors")).toContain(code);
    }

    // Frames that cannot be answered as requests.
    for (const raw of [
      "not json",
      "null",
      "[1]",
      "42",
      '{"type":"ping"}',
      JSON.stringify({ id: "x".repeat(65), type: "ping" }),
    ])
      a2.ws.send(raw);
    a2.ws.send(Buffer.from("{}"), { binary: true });
    await waitFor(() => a2.frames.filter((f) => f.type === "error").length === 7, "seven error frames");

    // Ephemeral signals, a resync and a membership change, to see each frame example arrive.
    await b1.ok("typing", { channelId: shared.id });
    await b1.ok("setPresence", { status: "away" });
    await a1.ok("markRead", { channelId: shared.id, seq: 1 });
    const busy = await createChannel(services.db, [alice.user.id]);
    const many = Array.from({ length: 1001 }, (_, i) => ({
      type: "messageCreated" as const,
      channelId: busy.id,
      actorId: alice.user.id,
      data: { messageId: crypto.randomUUID(), clientId: `busy-${i}`, body: `m${i}`, parentId: null },
    }));
    await emitChannelEvents(services.log, many);
    const lastSeq = async () => (await services.db.channel.findUniqueOrThrow({ where: { id: busy.id } })).lastSeq;
    const deadline = Date.now() + 60_000;
    while ((await lastSeq()) < 1001 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const late = await TestSocket.connect(api.url, alice.token);
    await late.ok("resume", { positions: { [busy.id]: 0 } });
    const open = await services.db.channel.create({ data: { kind: "public", name: `open-${shared.id.slice(0, 8)}` } });
    const joined = await fetch(`${api.url}/api/channels/${open.id}/join`, {
      method: "POST",
      headers: { cookie: `${SESSION_COOKIE}=${alice.token}`, origin: api.url.replace("127.0.0.1", "localhost") },
    });
    expect(joined.status).toBe(200);
    await waitFor(() => a1.frames.some((f) => f.type === "channelsChanged"), "channelsChanged");
    await waitFor(() => a1.frames.some((f) => f.type === "presence"), "presence");

    const received = [...a1.frames, ...a2.frames, ...b1.frames, ...late.frames];
    for (const frame of received) if (frame.type === "error") seenCodes.add(frame.error.code);
    const checked: string[] = [];
    for (const { section, value } of frameExamples) {
      const type = (value as { type: string }).type;
      if (type === "reply") continue; // held against their requests above
      const testedBy = elsewhere(section);
      if (testedBy) {
        console.log(`example "${type}" (${section}) is left to ${testedBy}`);
        continue;
      }
      expect(findMatching(received, value), `${section}: ${type} ${JSON.stringify(value)}`).toBeNull();
      checked.push(type);
    }
    console.log(`PROTOCOL.md examples held against the server: ${checked.join(", ")}`);
    expect(new Set(checked)).toEqual(
      new Set([
        "hello",
        "error",
        "channelEvent",
        "resyncRequired",
        "typing",
        "presence",
        "readState",
        "channelsChanged",
      ]),
    );
    // Each unanswerable frame got an error frame the examples show.
    const errorExamples = frameExamples
      .filter((e) => (e.value as { type: string }).type === "error")
      .map((e) => e.value);
    for (const frame of a2.frames.filter((f) => f.type === "error"))
      expect(
        errorExamples.some((e) => matchExample(frame, e) === null),
        JSON.stringify(frame),
      ).toBe(true);
    for (const socket of [a1, a2, b1, late]) socket.close();
  }, 120_000);

  it("takes ids of 1–64 characters exactly as sent and refuses longer ones rather than cutting them", async () => {
    const { token } = await asUser();
    const socket = await TestSocket.connect(api.url, token);
    const longest = "é".repeat(64);
    socket.ws.send(JSON.stringify({ id: longest, type: "ping" }));
    socket.ws.send(JSON.stringify({ id: `${longest}x`, type: "ping" }));
    await waitFor(() => socket.frames.filter((f) => f.type === "reply" || f.type === "error").length === 2, "answers");
    expect(socket.frames.find((f) => f.type === "reply")).toMatchObject({ id: longest, ok: true });
    expect(socket.frames.find((f) => f.type === "error")).toMatchObject({
      error: { code: "invalid_request", details: [{ path: "id" }] },
    });
    socket.close();
  });

  it("counts lengths in code points, after trimming and normalizing, and stores that text", async () => {
    const { user, token } = await asUser();
    const channel = await createChannel(services.db, [user.id]);
    const socket = await TestSocket.connect(api.url, token);
    await socket.ok("resume", { positions: {} });
    const astral = "😀".repeat(MAX_MESSAGE_LENGTH); // 2 UTF-16 units each: twice the limit in .length
    const send = (clientId: string, body: string) =>
      socket.request("sendMessage", { channelId: channel.id, clientId, body });
    expect(await send("longest", astral)).toMatchObject({ ok: true });
    const over = await send("too-long", `${astral}😀`);
    expect(over).toMatchObject({ ok: false, error: { code: "invalid_request" } });
    expect(await send("padded", `  Zoe\u0308\r\n  `)).toMatchObject({ ok: true });
    await waitFor(() => socket.events(channel.id).length === 2, "both stored");
    const bodies = socket.events(channel.id).map((e) => (e.data as { body: string }).body);
    expect(bodies).toEqual([astral, "Zoë"]);
    socket.close();
  });

  it(`closes at the ${MAX_MALFORMED_FRAMES + 1}st malformed frame; refused requests never count; bad UTF-8 closes 1007`, async () => {
    const { user, token } = await asUser();
    const channel = await createChannel(services.db, [user.id]);
    const socket = await TestSocket.connect(api.url, token);
    // Far more requests refused for their content than the threshold: the socket stays.
    for (let i = 0; i < MAX_MALFORMED_FRAMES * 2; i++)
      socket.ws.send(
        JSON.stringify({ id: `bad-${i}`, type: "sendMessage", channelId: channel.id, clientId: "c", body: "" }),
      );
    for (let i = 0; i < MAX_MALFORMED_FRAMES; i++)
      socket.ws.send(i % 2 ? "garbage" : JSON.stringify({ id: `u${i}`, type: "nope" }));
    expect((await socket.ok("ping")).at).toBeTruthy();
    expect(socket.closeCode).toBeNull();
    socket.ws.send(Buffer.from("binary"), { binary: true });
    expect(await socket.closed).toBe(CloseCode.abuse);

    const raw = new WebSocket(`${api.url.replace("http", "ws")}/ws`, {
      headers: { cookie: `${SESSION_COOKIE}=${token}` },
    });
    await new Promise((resolve) => raw.once("open", resolve));
    const closed = new Promise<number>((resolve) => raw.once("close", (code) => resolve(code)));
    raw.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await closed).toBe(1007);
  });

  it("lists in its error table every code the server answered with here", () => {
    const table = new Set(tableKeys("Errors"));
    expect([...seenCodes].filter((code) => !table.has(code))).toEqual([]);
    expect(seenCodes.size).toBeGreaterThanOrEqual(4);
  });
});
