// Steady sends through a fault, judged the way the cluster tests judge it: clients (ResilientClient: they
// reconnect, resume and retry with the same clientId) each send one message at a time into one shared
// channel while `fault()` runs; afterwards every acknowledged message must be stored exactly once and have
// reached every client, with no event repeated and none skipped.
import { expect } from "vitest";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "./fixtures.js";
import { ResilientClient } from "./resilient-client.js";
import { sessionToken, waitFor } from "./socket-client.js";

export interface Accepted {
  id: string;
  /** First attempt to send it, and when the server acknowledged it (performance.now()). */
  sentAt: number;
  at: number;
}

export interface TrafficResult {
  channelId: string;
  clients: ResilientClient[];
  accepted: Accepted[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function steadyTraffic(
  services: Running,
  /** Client i connects to urls[i % urls.length] (a load balancer, or the nodes themselves). */
  urls: string[],
  opts: { clients: number; intervalMs: number; warmMs?: number; afterMs?: number; jitterMs?: number },
  /** Runs while the clients send; gets the channel they send into. */
  fault: (channelId: string) => Promise<void>,
): Promise<TrafficResult> {
  const users = await Promise.all(Array.from({ length: opts.clients }, () => createUser(services.db)));
  const channel = await createChannel(
    services.db,
    users.map((u) => u.id),
  );
  const clients = await Promise.all(
    users.map(
      async (u, i) =>
        new ResilientClient(
          `c${i}`,
          urls[i % urls.length] as string,
          await sessionToken(services.db, u.id),
          channel.id,
          opts.jitterMs,
        ),
    ),
  );
  await Promise.all(clients.map((c) => c.start()));
  const accepted: Accepted[] = [];
  let sending = true;
  const senders = clients.map(async (client) => {
    for (let n = 0; sending; n++) {
      const id = `${client.name}-${n}`;
      const sentAt = performance.now();
      const at = await client.send(id, `${id} steady`);
      accepted.push({ id, sentAt, at });
      await sleep(opts.intervalMs);
    }
  });
  try {
    await sleep(opts.warmMs ?? 1500);
    await fault(channel.id);
    await sleep(opts.afterMs ?? 1000);
  } finally {
    sending = false;
    await Promise.all(senders);
  }

  const ids = accepted.map((a) => a.id);
  await waitFor(
    () => clients.every((c) => ids.every((id) => c.delivered.has(id))),
    "every accepted message on every client",
    60_000,
  );
  await sleep(300); // a duplicate would arrive now
  for (const c of clients) c.stop();

  const rows = await services.db.message.groupBy({
    by: ["clientId"],
    where: { channelId: channel.id },
    _count: { _all: true },
  });
  const stored = new Map(rows.map((r) => [r.clientId, r._count._all]));
  for (const id of ids) expect(stored.get(id), `${id} stored once`).toBe(1);
  for (const c of clients) {
    expect(c.repeated, `${c.name} got events twice`).toBe(0);
    expect(c.skipped, `${c.name} missed events`).toBe(0);
  }
  return { channelId: channel.id, clients, accepted };
}

/** The longest gap between two consecutive acknowledgements (of any client) that overlaps [from, to]. */
export function longestPause(accepted: Accepted[], from: number, to: number): number {
  const times = accepted.map((a) => a.at).sort((x, y) => x - y);
  let pause = 0;
  for (let i = 1; i < times.length; i++) {
    const [before, after] = [times[i - 1] as number, times[i] as number];
    if (after >= from && before <= to) pause = Math.max(pause, after - before);
  }
  return pause;
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
