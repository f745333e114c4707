// Pinned messages: members pin and unpin; readers list them newest first; outsiders are refused; a deleted
// message drops out; bad input changes nothing; each pin and unpin (and only those) is in the channel's log. Real PostgreSQL, Redis and Kafka with the persister.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Client, createChannelAs, type Harness, post, signIn, startHarness, storedEvents } from "./support.js";

let h: Harness;
let alice: Client;
let bob: Client;
let outsider: Client;

beforeAll(async () => {
  h = await startHarness();
  alice = await signIn(h.services, "member", "Alice");
  bob = await signIn(h.services, "member", "Bob");
  outsider = await signIn(h.services, "member", "Olga");
});

afterAll(async () => {
  await h?.stop();
});

const errorOf = (res: { status: number; body: { error?: { code: string } } | null }) => [
  res.status,
  res.body?.error?.code,
];

it("members pin and unpin; the list is newest pin first; outsiders are refused", async () => {
  const channel = await createChannelAs(alice, "private");
  await alice.call("POST", `/api/channels/${channel.id}/members`, { userIds: [bob.user.id] });
  const first = await post(h.services, alice, channel.id, "first");
  const second = await post(h.services, bob, channel.id, "second");
  const pins = `/api/channels/${channel.id}/pins`;

  expect((await alice.call("POST", pins, { messageId: first.id })).status).toBe(204);
  expect((await bob.call("POST", pins, { messageId: second.id })).status).toBe(204);
  expect((await bob.call("POST", pins, { messageId: second.id })).status).toBe(204);
  const listed = await alice.call("GET", pins);
  expect(listed.body.pins.map((p: { message: { body: string } }) => p.message.body)).toEqual(["second", "first"]);
  expect(listed.body.pins[0].pinnedById).toBe(bob.user.id);

  expect(errorOf(await outsider.call("GET", pins))).toEqual([403, "not_member"]);
  expect(errorOf(await outsider.call("POST", pins, { messageId: first.id }))).toEqual([403, "not_member"]);
  expect(errorOf(await outsider.call("DELETE", `${pins}/${first.id}`))).toEqual([403, "not_member"]);

  expect((await bob.call("DELETE", `${pins}/${first.id}`)).status).toBe(204);
  expect(errorOf(await bob.call("DELETE", `${pins}/${first.id}`))).toEqual([404, "not_found"]);
  expect((await alice.call("GET", pins)).body.pins).toHaveLength(1);

  // The log: joins, the two sends, then one event per change (the repeated pin and the refusals add none).
  const events = await storedEvents(h.services, channel.id, 7);
  expect(events.slice(4).map((e) => [e.type, e.actorId, e.data])).toEqual([
    ["messagePinned", alice.user.id, { messageId: first.id }],
    ["messagePinned", bob.user.id, { messageId: second.id }],
    ["messageUnpinned", bob.user.id, { messageId: first.id }],
  ]);
});

it("refuses a message of another channel, a deleted one and bad input, changing nothing", async () => {
  const one = await createChannelAs(alice, "public");
  const other = await createChannelAs(alice, "public");
  const elsewhere = await post(h.services, alice, other.id, "elsewhere");
  const pins = `/api/channels/${one.id}/pins`;
  expect(errorOf(await alice.call("POST", pins, { messageId: elsewhere.id }))).toEqual([404, "not_found"]);
  expect(errorOf(await alice.call("POST", pins, { messageId: "nope" }))).toEqual([400, "invalid_request"]);
  expect(errorOf(await alice.call("POST", pins, { messageId: elsewhere.id, extra: 1 }))).toEqual([
    400,
    "invalid_request",
  ]);
  expect((await alice.call("GET", pins)).body.pins).toEqual([]);

  const gone = await post(h.services, alice, one.id, "soon gone");
  expect((await alice.call("POST", pins, { messageId: gone.id })).status).toBe(204);
  await h.services.db.message.update({ where: { id: gone.id }, data: { deletedAt: new Date(), body: "" } });
  expect((await alice.call("GET", pins)).body.pins).toEqual([]);
  expect(errorOf(await alice.call("POST", `/api/channels/${other.id}/pins`, { messageId: elsewhere.id }))).toEqual([
    204,
    undefined,
  ]);
});
