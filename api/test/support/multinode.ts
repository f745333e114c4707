// The multi-node realtime scenario, shared by the tests that run it over different backends (one Redis or a
// Redis Cluster, one Kafka broker or three): a persister and three API nodes that share nothing but
// PostgreSQL, Redis and Kafka; clients spread over the nodes send concurrently into shared channels, and
// every client must receive every message exactly once, in one order, identical to history.
import { expect } from "vitest";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "./fixtures.js";
import { type ApiProcess, type ProcessHandle, startApi, startPersister } from "./processes.js";
import { sessionToken, TestSocket, waitFor } from "./socket-client.js";

export interface ThreeNodes {
  nodes: ApiProcess[];
  persister: ProcessHandle;
  stop(): Promise<void>;
}

/** A standalone persister and three API nodes (persister off), as in production. */
export async function startThreeNodes(env: Record<string, string>): Promise<ThreeNodes> {
  const [persister, ...nodes] = (await Promise.all([
    startPersister(env),
    ...[1, 2, 3].map((n) => startApi({ ...env, NODE_ID: `api-${n}`, PERSISTER: "off" })),
  ])) as [ProcessHandle, ...ApiProcess[]];
  return {
    nodes,
    persister,
    stop: async () => void (await Promise.all([...nodes.map((n) => n.stop()), persister.stop()])),
  };
}

export async function everyMessageEverywhere(
  services: Running,
  nodes: ApiProcess[],
  opts: { clients: number; perClient: number },
) {
  const users = await Promise.all(Array.from({ length: opts.clients }, () => createUser(services.db)));
  const channels = await Promise.all(
    [0, 1, 2].map(() =>
      createChannel(
        services.db,
        users.map((u) => u.id),
      ),
    ),
  );
  const sockets: TestSocket[] = [];
  try {
    for (const [i, user] of users.entries()) {
      const node = nodes[i % nodes.length] as ApiProcess;
      const socket = await TestSocket.connect(node.url, await sessionToken(services.db, user.id));
      await socket.ok("resume", { positions: {} });
      sockets.push(socket);
    }

    await Promise.all(
      sockets.map(async (socket, i) => {
        for (let n = 0; n < opts.perClient; n++) {
          const channel = channels[(i + n) % channels.length] as { id: string };
          const result = await socket.okRetrying("sendMessage", {
            channelId: channel.id,
            clientId: `c${i}-${n}`,
            body: `from ${i}: ${n}`,
          });
          expect(result.status).toBe("accepted");
        }
      }),
    );

    const total = opts.clients * opts.perClient;
    for (const socket of sockets) await waitFor(() => socket.events().length >= total, "every message on every client");
    await new Promise((r) => setTimeout(r, 300)); // anything extra (a duplicate) would arrive now

    for (const channel of channels) {
      const history = await services.db.message.findMany({ where: { channelId: channel.id }, orderBy: { seq: "asc" } });
      const expected = history.map((m) => `${m.seq}:${m.body}`);
      expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
      for (const socket of sockets) {
        const seen = socket
          .events(channel.id)
          .map((e) => `${e.seq}:${e.type === "messageCreated" ? e.data.body : e.type}`);
        expect(seen).toEqual(expected);
      }
    }
    expect(await services.db.message.count({ where: { channelId: { in: channels.map((c) => c.id) } } })).toBe(total);
  } finally {
    for (const s of sockets) s.close();
  }
}
