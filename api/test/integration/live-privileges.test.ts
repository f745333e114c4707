// Privileges follow the user live, on every node. Two API processes share PostgreSQL, Redis and Kafka. An
// admin holds a socket on node 1; the owner changes things through node 2's HTTP API; the admin's very next
// frame on node 1 is judged by who they are NOW: demoted, they can no longer delete the owner's message;
// removed from a private channel, they can no longer post there; signed out, the frame is refused and the
// socket closes. The frame is sent only after node 2 answered, so nothing but the per-frame check stands
// between the change and the refusal (before that check, the socket kept the role it had when it opened).
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccessChange } from "../../src/realtime/control.js";
import { createRealtimeApp } from "../../src/realtime/node.js";
import { CloseCode } from "../../src/realtime/protocol.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { ORIGIN } from "../support/http.js";
import { type ApiProcess, freePort, startApi } from "../support/processes.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let nodes: ApiProcess[] = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  nodes = await Promise.all([1, 2].map((n) => startApi({ ...stack.env, NODE_ID: `api-${n}`, PUBLIC_ORIGIN: ORIGIN })));
}, 180_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all(nodes.map((n) => n.stop()));
  await stack?.cleanup();
});

async function http(node: ApiProcess, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: { "content-type": "application/json", origin: ORIGIN, cookie: `parley_session=${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered
  const json: any = res.status === 204 ? null : await res.json();
  return { status: res.status, body: json };
}

async function connect(node: ApiProcess, token: string) {
  const socket = await TestSocket.connect(node.url, token);
  sockets.push(socket);
  await socket.ok("resume", { positions: {} });
  return socket;
}

/** Sends as `socket` and waits until the persister stored it (its event reached the socket). */
async function post(socket: TestSocket, channelId: string, body: string) {
  const { messageId } = await socket.ok("sendMessage", { channelId, clientId: crypto.randomUUID(), body });
  await waitFor(
    () => socket.events(channelId).some((e) => e.type === "messageCreated" && e.data.messageId === messageId),
    `message ${messageId} stored`,
  );
  return messageId;
}

describe("privileges follow the user onto open sockets, across nodes", () => {
  it("a demoted admin's open socket loses admin powers at once", async () => {
    const [first, second] = nodes as [ApiProcess, ApiProcess];
    const owner = await createUser(services.db, { role: "owner" });
    const admin = await createUser(services.db, { role: "admin" });
    const someone = await createUser(services.db);
    const ownerToken = await sessionToken(services.db, owner.id);
    const adminToken = await sessionToken(services.db, admin.id);
    const channel = await createChannel(services.db, [owner.id, admin.id]);
    const { body: dm } = await http(second, ownerToken, "POST", "/api/dms", { userIds: [someone.id] });

    const ownerSocket = await connect(second, ownerToken);
    const adminSocket = await connect(first, adminToken);
    const [kept, target, inDm] = [
      await post(ownerSocket, channel.id, "one the admin deletes while still an admin"),
      await post(ownerSocket, channel.id, "one the demoted admin tries to delete"),
      await post(ownerSocket, dm.channel.id, "in a DM the admin is not part of"),
    ];
    // As an admin, the socket may delete someone else's message: the refusal below is the demotion's.
    expect(await adminSocket.request("deleteMessage", { messageId: kept })).toMatchObject({ ok: true });

    const demoted = await http(second, ownerToken, "PUT", `/api/admin/users/${admin.id}/role`, { role: "member" });
    expect(demoted.status).toBe(200);

    const refused = await adminSocket.request("deleteMessage", { messageId: target });
    expect(refused).toMatchObject({ ok: false, error: { code: "not_author" } });
    const outsider = await adminSocket.request("deleteMessage", { messageId: inDm });
    expect(outsider).toMatchObject({ ok: false });
    // The socket lives on for what a member may do.
    expect(await adminSocket.request("ping")).toMatchObject({ ok: true });
    await http(second, ownerToken, "PUT", `/api/admin/users/${admin.id}/role`, { role: "admin" });
    expect(await adminSocket.request("deleteMessage", { messageId: target })).toMatchObject({ ok: true });
  });

  it("removal from a private channel stops posting there and its events on the open socket", async () => {
    const [first, second] = nodes as [ApiProcess, ApiProcess];
    const owner = await createUser(services.db, { role: "owner" });
    const member = await createUser(services.db);
    const ownerToken = await sessionToken(services.db, owner.id);
    const channel = await createChannel(services.db, [owner.id, member.id], "private");
    const socket = await connect(first, await sessionToken(services.db, member.id));
    await post(socket, channel.id, "before removal");

    const kicked = await http(second, ownerToken, "DELETE", `/api/channels/${channel.id}/members/${member.id}`);
    expect(kicked.status).toBe(204);
    const send = { channelId: channel.id, clientId: crypto.randomUUID(), body: "after removal" };
    expect(await socket.request("sendMessage", send)).toMatchObject({ ok: false, error: { code: "not_member" } });
    await waitFor(
      () => socket.frames.some((f) => f.type === "channelsChanged" && f.left.includes(channel.id)),
      "channelsChanged",
    );
  });

  it("a frame after the session ended is refused and the socket closes, even if the close came late", async () => {
    const [first] = nodes as [ApiProcess];
    const member = await createUser(services.db);
    const channel = await createChannel(services.db, [member.id]);
    const socket = await connect(first, await sessionToken(services.db, member.id));
    // The session goes without the bus being told (as if the control message were lost): only the check
    // each frame makes can notice.
    await services.db.session.deleteMany({ where: { userId: member.id } });
    const send = { channelId: channel.id, clientId: crypto.randomUUID(), body: "after sign-out" };
    expect(await socket.request("sendMessage", send)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(await socket.closed).toBe(CloseCode.signedOut);

    // A ban the same way: refused as banned, closed with the ban's code.
    const banned = await createUser(services.db);
    const bannedSocket = await connect(first, await sessionToken(services.db, banned.id));
    await services.db.$transaction([
      services.db.user.update({ where: { id: banned.id }, data: { state: "banned", banReason: "spam" } }),
      services.db.session.deleteMany({ where: { userId: banned.id } }),
    ]);
    expect(await bannedSocket.request("ping")).toMatchObject({ ok: false, error: { code: "banned" } });
    expect(await bannedSocket.closed).toBe(CloseCode.banned);
  });
});

describe("the access hook (hub.onAccessChanged) for per-socket state such as calls", () => {
  it("hears a role change, a removal from a channel and the end of the session made on another node", async () => {
    const [, second] = nodes as [ApiProcess, ApiProcess];
    // A third node in this process, so the test can listen on its hub.
    const realtime = createRealtimeApp(services);
    const port = await freePort();
    const server = serve({ fetch: realtime.app.fetch, hostname: "127.0.0.1", port }) as Server;
    realtime.attach(server);
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const heard: AccessChange[] = [];
    realtime.hub.onAccessChanged((_connection, change) => void heard.push(change));
    try {
      const owner = await createUser(services.db, { role: "owner" });
      const user = await createUser(services.db, { role: "admin" });
      const ownerToken = await sessionToken(services.db, owner.id);
      const channel = await createChannel(services.db, [owner.id, user.id], "private");
      const socket = await connect(
        { url: `http://127.0.0.1:${port}` } as ApiProcess,
        await sessionToken(services.db, user.id),
      );

      await http(second, ownerToken, "PUT", `/api/admin/users/${user.id}/role`, { role: "member" });
      await http(second, ownerToken, "DELETE", `/api/channels/${channel.id}/members/${user.id}`);
      await http(second, ownerToken, "POST", `/api/admin/users/${user.id}/sign-out`, {});
      await socket.closed;
      expect(heard).toEqual([
        { kind: "role", role: "member" },
        { kind: "channels", left: [channel.id] },
        { kind: "session", reason: "signedOut" },
      ]);
    } finally {
      await realtime.drain(0);
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
