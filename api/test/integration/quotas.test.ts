// Quotas against a real API process on real PostgreSQL and Redis, with small limits: a user's third socket
// and an address's fourth are refused before upgrading (429 too_many_sockets); frames over the per-second
// budget are answered rate_limited while the socket lives on; presence changes and searches over their
// per-minute limits are refused with rate_limited; every refusal is counted by quota in /metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Running } from "../../src/start-services.js";
import { createUser } from "../support/fixtures.js";
import { ORIGIN } from "../support/http.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { sessionToken, TestSocket } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let api: ApiProcess;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  stack = await createTestStack({ redis: true });
  services = await stack.open();
  api = await startApi({
    ...stack.env,
    PUBLIC_ORIGIN: ORIGIN,
    SOCKETS_PER_USER: "2",
    SOCKETS_PER_IP: "3",
    SOCKET_FRAMES_PER_SECOND: "5",
    PRESENCE_CHANGES_PER_MINUTE: "3",
    SEARCHES_PER_MINUTE: "4",
  });
}, 180_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await api?.stop();
  await stack?.cleanup();
});

async function connect(token: string) {
  const socket = await TestSocket.connect(api.url, token);
  sockets.push(socket);
  return socket;
}

/** The refusal of a socket upgrade, as a plain request to /ws shows it (status and code). */
async function upgradeRefusal(token: string) {
  const res = await fetch(`${api.url}/ws`, { headers: { cookie: `parley_session=${token}` } });
  return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
}

/** Waits until the server has let go of closed sockets (its close handler runs after the client's close). */
async function socketsFreed(token: string) {
  const deadline = Date.now() + 10_000;
  while ((await fetch(`${api.url}/ws`, { headers: { cookie: `parley_session=${token}` } })).status === 429) {
    if (Date.now() > deadline) throw new Error("closed sockets still counted after 10 s");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function refusals(quota: string) {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  return Number(new RegExp(`^parley_quota_refusals_total\\{quota="${quota}"\\} (\\d+)`, "m").exec(text)?.[1] ?? 0);
}

describe("quotas", () => {
  it("sockets per user and per address: refused before upgrading, freed on close", async () => {
    const alice = await sessionToken(services.db, (await createUser(services.db)).id);
    const bob = await sessionToken(services.db, (await createUser(services.db)).id);
    const [first] = [await connect(alice), await connect(alice)];
    expect(await upgradeRefusal(alice)).toEqual([429, "too_many_sockets"]);
    await connect(bob); // the address's third
    expect(await upgradeRefusal(bob)).toEqual([429, "too_many_sockets"]);
    first?.close();
    await socketsFreed(alice);
    await connect(alice);
    expect(await refusals("sockets_per_user")).toBeGreaterThanOrEqual(1);
    expect(await refusals("sockets_per_ip")).toBeGreaterThanOrEqual(1);
    for (const socket of sockets.splice(0)) socket.close();
    await socketsFreed(bob);
  });

  it("frames per socket per second, presence changes per minute, searches per minute", async () => {
    const user = await createUser(services.db);
    const token = await sessionToken(services.db, user.id);
    const socket = await connect(token);
    const burst = await Promise.all(Array.from({ length: 12 }, () => socket.request("ping")));
    const limited = burst.filter((r) => !r.ok && r.error.code === "rate_limited").length;
    console.log(`frames: ${burst.length - limited} answered, ${limited} refused of a burst of ${burst.length}`);
    expect(limited).toBeGreaterThanOrEqual(burst.length - 2 * 5); // at most two one-second windows' worth
    await new Promise((r) => setTimeout(r, 1100));
    expect(await socket.request("ping")).toMatchObject({ ok: true }); // the socket lives on

    const presence = [];
    for (const status of ["away", "online", "away", "online"])
      presence.push(await socket.request("setPresence", { status }));
    expect(presence.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(presence[3]).toMatchObject({ ok: false, error: { code: "rate_limited" } });

    const search = async () =>
      (await fetch(`${api.url}/api/search?q=hello`, { headers: { cookie: `parley_session=${token}` } })).status;
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await search());
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    for (const quota of ["socket_frames", "presence_changes", "searches"])
      expect(await refusals(quota), quota).toBeGreaterThanOrEqual(1);
  });
});
