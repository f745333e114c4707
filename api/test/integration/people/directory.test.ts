// The member directory (/api/people): active people by name, paged, searched by the start of any word of
// the name; presence as Redis has it now; guests see only the people of their channels; a profile's
// status emoji is checked like a reaction. Real PostgreSQL and Redis, the app through app.request().
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { socketsKey } from "../../../src/presence/announce.js";
import { type Client, createChannelAs, type Harness, signIn, startHarness } from "../channels/support.js";

let h: Harness;
let member: Client;
let guest: Client;
const tag = `zq${Date.now().toString(36)}`;
const named = (name: string) => `${tag} ${name}`;
const people: Record<string, Client> = {};

beforeAll(async () => {
  h = await startHarness();
  member = await signIn(h.services, "member", named("Mia Member"));
  guest = await signIn(h.services, "guest", named("Gus Guest"));
  for (const name of ["Ann Archer", "Bo Baker", "Cy Cook", "Dee Dunn", "Eve Elm"])
    people[name] = await signIn(h.services, "member", named(name));
  const gone = await signIn(h.services, "member", named("Zoe Gone"));
  await h.services.db.user.update({ where: { id: gone.user.id }, data: { state: "deactivated" } });
  const banned = await signIn(h.services, "member", named("Zak Banned"));
  await h.services.db.user.update({ where: { id: banned.user.id }, data: { state: "banned" } });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const names = (body: { people: { displayName: string }[] }) => body.people.map((p) => p.displayName);
const query = (params: Record<string, string>) => `/api/people?${new URLSearchParams(params)}`;

describe("the directory", () => {
  it("lists active people by name, a page at a time, without the deactivated and the banned", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await member.call("GET", query({ q: tag, limit: "3", ...(cursor ? { cursor } : {}) }));
      expect(res.status).toBe(200);
      seen.push(...names(res.body));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(
      ["Ann Archer", "Bo Baker", "Cy Cook", "Dee Dunn", "Eve Elm", "Gus Guest", "Mia Member"].map(named),
    );
    expect(pages).toBe(3);
    const [first] = (await member.call("GET", query({ q: tag, limit: "1" }))).body.people;
    expect(Object.keys(first).sort()).toEqual(
      [
        "avatarUrl",
        "displayName",
        "id",
        "lastSeenAt",
        "presence",
        "role",
        "statusEmoji",
        "statusText",
        "timeZone",
      ].sort(),
    );
  });

  it("finds people by the start of any word of their name, in any case", async () => {
    expect(names((await member.call("GET", query({ q: "cy c" }))).body)).toEqual([named("Cy Cook")]);
    expect(names((await member.call("GET", query({ q: "ook" }))).body)).toEqual([]);
    expect(names((await member.call("GET", query({ q: "COOK" }))).body)).toContain(named("Cy Cook"));
    expect(names((await member.call("GET", query({ q: `${tag} cy` }))).body)).toEqual([named("Cy Cook")]);
    // LIKE's wildcards are the user's characters, not patterns.
    expect(names((await member.call("GET", query({ q: "%" }))).body)).toEqual([]);
  });

  it("refuses bad input with a typed 400", async () => {
    const bad: Record<string, string>[] = [
      { limit: "0" },
      { limit: "101" },
      { limit: "1e2" },
      { cursor: "not-ours" },
      { q: "a\u0000" },
    ];
    for (const q of bad) {
      const res = await member.call("GET", query(q));
      expect([res.status, res.body.error.code]).toEqual([400, expect.stringMatching(/invalid_request|invalid_cursor/)]);
    }
    expect((await member.call("POST", "/api/people/presence", { userIds: [] })).status).toBe(400);
    expect((await member.call("POST", "/api/people/presence", { userIds: ["x"] })).status).toBe(400);
  });

  it("shows presence as it is now, in the list, on a card and for a set of people", async () => {
    const ann = people["Ann Archer"] as Client;
    await h.services.kv.touchMembers([{ key: socketsKey(ann.user.id), member: "socket-1" }], 60_000);
    const listed = (await member.call("GET", query({ q: `${tag} a` }))).body.people[0];
    expect([listed.displayName, listed.presence]).toEqual([named("Ann Archer"), "online"]);
    const card = await member.call("GET", `/api/people/${ann.user.id}`);
    expect([card.status, card.body.person.presence]).toEqual([200, "online"]);
    const bo = people["Bo Baker"] as Client;
    const res = await member.call("POST", "/api/people/presence", { userIds: [ann.user.id, bo.user.id] });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(
      res.body.presence.map((p: { userId: string; status: string }) => [p.userId, p.status]),
    );
    expect(byId).toEqual({ [ann.user.id]: "online", [bo.user.id]: "offline" });
    await h.services.kv.removeMembers([{ key: socketsKey(ann.user.id), member: "socket-1" }]);
  });
});

describe("guests", () => {
  it("see only themselves and the people they share a channel with", async () => {
    expect(names((await guest.call("GET", query({ q: tag }))).body)).toEqual([named("Gus Guest")]);
    const dee = people["Dee Dunn"] as Client;
    const channel = await createChannelAs(dee, "private");
    expect((await dee.call("POST", `/api/channels/${channel.id}/members`, { userIds: [guest.user.id] })).status).toBe(
      200,
    );
    expect(names((await guest.call("GET", query({ q: tag }))).body)).toEqual([named("Dee Dunn"), named("Gus Guest")]);

    const eve = people["Eve Elm"] as Client;
    const card = await guest.call("GET", `/api/people/${eve.user.id}`);
    expect([card.status, card.body.error.code]).toEqual([404, "not_found"]);
    expect((await guest.call("GET", `/api/people/${dee.user.id}`)).status).toBe(200);
    const res = await guest.call("POST", "/api/people/presence", { userIds: [eve.user.id, dee.user.id] });
    expect(res.body.presence.map((p: { userId: string }) => p.userId)).toEqual([dee.user.id]);
  });

  it("are seen by members, marked as guests", async () => {
    const res = await member.call("GET", `/api/people/${guest.user.id}`);
    expect([res.status, res.body.person.role]).toEqual([200, "guest"]);
  });
});

describe("the profile's status", () => {
  it("takes one emoji or a :short_code: with its text, and refuses anything else unchanged", async () => {
    const ok = await member.call("PATCH", "/api/me", { statusText: "On a train", statusEmoji: "🚆" });
    expect([ok.status, ok.body.user.statusText, ok.body.user.statusEmoji]).toEqual([200, "On a train", "🚆"]);
    for (const statusEmoji of ["train", "🚆🚆 late", ":no spaces:", ""]) {
      const res = await member.call("PATCH", "/api/me", { statusEmoji });
      expect([res.status, res.body.error.code]).toEqual([400, "invalid_request"]);
    }
    const card = (await people["Bo Baker"]?.call("GET", `/api/people/${member.user.id}`))?.body.person;
    expect([card.statusText, card.statusEmoji]).toEqual(["On a train", "🚆"]);
    const cleared = await member.call("PATCH", "/api/me", { statusText: null, statusEmoji: null });
    expect([cleared.body.user.statusText, cleared.body.user.statusEmoji]).toEqual([null, null]);
  });
});
