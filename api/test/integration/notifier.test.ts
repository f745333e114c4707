// The notifier end to end inside one process, on real PostgreSQL and Redis: messages sent through the real
// actions, stored by the real persister (in-process log), decided by the notifier, and delivered by the
// real transports — FCM through firebase-admin to the local endpoint, open tabs through the Redis bus.
// Each case states who is notified, by which transport, with what; and who is not.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../src/accounts/sessions.js";
import { doOpenDm } from "../../src/channels/dm.js";
import { type Config, loadConfig } from "../../src/config.js";
import { deleteMessage, editMessage, sendMessage } from "../../src/messages/actions.js";
import { setFocus } from "../../src/notifications/attention.js";
import type { PushNotification } from "../../src/notifications/content.js";
import { pushesPerMinute } from "../../src/notifications/counters.js";
import { type RunningNotifier, startNotifier } from "../../src/notifications/start.js";
import { Persister } from "../../src/persister/persister.js";
import { socketsKey } from "../../src/presence/announce.js";
import { userTopic } from "../../src/realtime/control.js";
import type { Services } from "../../src/services.js";
import type { Running } from "../../src/start-services.js";
import { type FcmEndpoint, startFcmEndpoint } from "../support/fcm-endpoint.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let running: Running;
let services: Services;
let endpoint: FcmEndpoint;
let persister: Persister;
let notifier: RunningNotifier;

type User = Awaited<ReturnType<typeof createUser>>;
const tabs = new Map<string, PushNotification[]>();

beforeAll(async () => {
  stack = await createTestStack({ redis: true });
  running = await stack.open();
  endpoint = await startFcmEndpoint();
  const config: Config = { ...loadConfig({ ...stack.env, ...endpoint.env }), SEND_RATE_PER_10S: 10_000 };
  services = { ...running, config };
  persister = new Persister(services);
  await persister.start();
  notifier = await startNotifier(services);
}, 120_000);

afterAll(async () => {
  await notifier?.stop();
  await persister?.stop();
  await endpoint?.close();
  await stack?.cleanup();
});

/** A person with one browser that has a push token (`tok-<name>`), offline unless told otherwise. */
async function person(name: string, timeZone = "UTC"): Promise<User> {
  const user = await createUser(services.db, { name });
  await services.db.user.update({ where: { id: user.id }, data: { timeZone } });
  const { session } = await createSession(services.db, user.id, 1);
  await services.db.pushDevice.create({
    data: { userId: user.id, sessionId: session.id, token: `tok-${user.id}`, platform: "web" },
  });
  tabs.set(user.id, []);
  await services.bus.subscribe(userTopic(user.id), (payload) => {
    const frame = JSON.parse(payload) as { type: string; notification?: PushNotification };
    if (frame.type === "notification" && frame.notification) tabs.get(user.id)?.push(frame.notification);
  });
  return user;
}

/** An open tab of theirs (a live socket in presence, as the presence tracker records it); returns its id. */
async function openTab(user: User) {
  const connectionId = randomUUID();
  await services.kv.touchMembers([{ key: socketsKey(user.id), member: connectionId }], 60_000);
  return connectionId;
}

const pushes = (user: User) =>
  endpoint.sends.filter((s) => s.message.token === `tok-${user.id}`).map((s) => s.message.data ?? {});
const shown = (user: User) => tabs.get(user.id) ?? [];

function send(author: User, channelId: string, body: string, parentId: string | null = null) {
  return sendMessage(services, author, { channelId, clientId: randomUUID(), body, parentId }, async () => hereOnline);
}
const hereOnline: string[] = [];

// The notifier handles batches one after another: once a later message's push arrived, every earlier one
// was decided. A DM from the prober to the probe (offline, with a device) is that later message.
let prober: User;
let probe: User;
let probeDm = "";
async function settled() {
  const before = pushes(probe).length;
  await send(prober, probeDm, `probe ${before}`);
  await expect.poll(() => pushes(probe).length, { timeout: 20_000 }).toBe(before + 1);
}

let ann: User;
let bo: User;
let cy: User;
let dee: User;
let general = "";

beforeAll(async () => {
  [prober, probe, ann, bo, cy, dee] = (await Promise.all(
    ["Prober", "Probe", "Ann", "Bo", "Cy", "Dee"].map((name) => person(name)),
  )) as [User, User, User, User, User, User];
  probeDm = (await doOpenDm(services, prober, [probe.id])).channelId;
  // The workspace row holds the push switches (bootstrap makes it on a first start).
  if (!(await services.db.workspace.findFirst())) await services.db.workspace.create({ data: { name: "Parley" } });
  general = (await createChannel(services.db, [ann.id, bo.id, cy.id, dee.id])).id;
});

describe("who hears of what", () => {
  it("a DM reaches an offline person by FCM: title the sender, body sender + text, one per burst alerting", async () => {
    const dm = (await doOpenDm(services, ann, [bo.id])).channelId;
    const first = await send(ann, dm, "lunch?");
    await expect.poll(() => pushes(bo).length, { timeout: 20_000 }).toBe(1);
    expect(pushes(bo)[0]).toMatchObject({
      kind: "message",
      title: "Ann",
      body: "Ann: lunch?",
      channelId: dm,
      messageId: first.messageId,
      tag: dm.replaceAll("-", ""),
      unread: "1",
      alert: "1",
      why: "dm",
      url: `/c/${dm}?m=${first.messageId}`,
    });
    await send(ann, dm, "at noon");
    await expect.poll(() => pushes(bo).length, { timeout: 20_000 }).toBe(2);
    expect(pushes(bo)[1]).toMatchObject({ body: "Ann: at noon", unread: "2", alert: "0", tag: dm.replaceAll("-", "") });
    expect(pushes(ann)).toHaveLength(0); // never the author
  });

  it("a group DM is titled by its other members", async () => {
    const group = (await doOpenDm(services, ann, [bo.id, cy.id])).channelId;
    await send(ann, group, "all three of us");
    await expect.poll(() => pushes(cy).length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(pushes(cy).at(-1)).toMatchObject({ title: "Ann, Bo", body: "Ann: all three of us", why: "dm" });
  });

  it("a mention of someone with an open tab goes to the tab, not to FCM; a focused tab on the channel gets nothing", async () => {
    const before = pushes(dee).length;
    const tab = await openTab(dee);
    const sent = await send(ann, general, `<@${dee.id}> can you look?`);
    await expect.poll(() => shown(dee).length, { timeout: 20_000 }).toBe(1);
    expect(shown(dee)[0]).toMatchObject({
      kind: "message",
      title: `#${(await services.db.channel.findUniqueOrThrow({ where: { id: general } })).name}`,
      body: "Ann: @Dee can you look?",
      messageId: sent.messageId,
      why: "mention",
    });
    await setFocus(services.kv, tab, general);
    await send(ann, general, `<@${dee.id}> still there?`);
    await settled();
    expect(shown(dee)).toHaveLength(1);
    expect(pushes(dee)).toHaveLength(before);
    await setFocus(services.kv, tab, null);
    await services.kv.removeMembers([{ key: socketsKey(dee.id), member: tab }]);
  });

  it("follows each person's channel setting, mute, snooze and quiet hours in their own time zone", async () => {
    const eve = await person("Eve", "Asia/Tokyo");
    const room = (await createChannel(services.db, [ann.id, bo.id, cy.id, dee.id, eve.id])).id;
    const set = (user: User, data: { notifyLevel?: "all" | "mentions" | "nothing"; muted?: boolean }) =>
      services.db.channelMember.update({ where: { channelId_userId: { channelId: room, userId: user.id } }, data });
    await set(bo, { notifyLevel: "all" });
    await set(cy, { notifyLevel: "all", muted: true });
    await set(dee, { notifyLevel: "nothing" }); // eve keeps the default: mentions
    const people = [bo, cy, dee, eve];
    const counts = () => people.map((u) => pushes(u).length);
    const start = counts();
    const more = (...added: number[]) => start.map((n, i) => n + (added[i] ?? 0));

    await send(ann, room, "a plain message"); // bo (all); cy muted, dee nothing, eve mentions only
    await settled();
    expect(counts()).toEqual(more(1, 0, 0, 0));
    expect(pushes(bo).at(-1)).toMatchObject({ why: "all", body: "Ann: a plain message" });

    await send(ann, room, "@channel heads up"); // bo and eve; cy muted, dee nothing
    await settled();
    expect(counts()).toEqual(more(2, 0, 0, 1));
    expect(pushes(eve).at(-1)).toMatchObject({ why: "channel" });

    // Bo snoozes: nothing. Eve has quiet hours around this minute in Tokyo (not in UTC): nothing.
    await services.db.notificationSettings.create({
      data: { userId: bo.id, dndUntil: new Date(Date.now() + 3600_000) },
    });
    const tokyo = minuteIn("Asia/Tokyo");
    await services.db.notificationSettings.create({
      data: { userId: eve.id, quietStart: (tokyo + 1440 - 60) % 1440, quietEnd: (tokyo + 60) % 1440 },
    });
    await send(ann, room, "@channel during quiet hours");
    await settled();
    expect(counts()).toEqual(more(2, 0, 0, 1));

    // Quiet hours are read in Eve's zone: moved to the same clock time in UTC they no longer cover now.
    await services.db.user.update({ where: { id: eve.id }, data: { timeZone: "America/Los_Angeles" } });
    await services.db.notificationSettings.delete({ where: { userId: bo.id } });
    await send(ann, room, "@channel after the snooze");
    await settled();
    expect(counts()).toEqual(more(3, 0, 0, 2));
  });

  it("a thread reply reaches the thread's followers, not the rest of the channel", async () => {
    const room = (await createChannel(services.db, [ann.id, bo.id, cy.id, dee.id])).id;
    await services.db.channelMember.update({
      where: { channelId_userId: { channelId: room, userId: dee.id } },
      data: { notifyLevel: "all" },
    });
    const parent = await send(cy, room, "a question for the thread");
    await send(bo, room, "an answer", parent.messageId);
    await settled();
    const before = [cy, bo, dee].map((u) => pushes(u).length);
    await send(ann, room, "and another answer", parent.messageId);
    await settled();
    expect([cy, bo, dee].map((u) => pushes(u).length)).toEqual([(before[0] ?? 0) + 1, (before[1] ?? 0) + 1, before[2]]);
    expect(pushes(cy).at(-1)).toMatchObject({ why: "thread", body: "Ann: and another answer" });
  });
});

describe("what a notification becomes later", () => {
  it("an edit replaces it quietly with the new text; a deletion withdraws it (FCM and open tabs alike)", async () => {
    const dm = (await doOpenDm(services, cy, [dee.id])).channelId;
    const sent = await send(cy, dm, "teh typo");
    await expect.poll(() => pushes(dee).at(-1)?.messageId, { timeout: 20_000 }).toBe(sent.messageId);
    await editMessage(services, cy, sent.messageId, "the typo, fixed");
    await expect.poll(() => pushes(dee).at(-1)?.why, { timeout: 20_000 }).toBe("update");
    expect(pushes(dee).at(-1)).toMatchObject({
      kind: "message",
      messageId: sent.messageId,
      body: "Cy: the typo, fixed",
      alert: "0",
      tag: dm.replaceAll("-", ""),
    });
    const tab = await openTab(dee);
    await deleteMessage(services, cy, sent.messageId);
    await expect.poll(() => shown(dee).at(-1)?.kind, { timeout: 20_000 }).toBe("withdraw");
    expect(shown(dee).at(-1)).toMatchObject({ messageId: sent.messageId, tag: dm.replaceAll("-", "") });
    await services.kv.removeMembers([{ key: socketsKey(dee.id), member: tab }]);
  });

  it("a replayed batch (a crash before the offsets were committed) sends nothing again", async () => {
    const dm = (await doOpenDm(services, dee, [cy.id])).channelId;
    const sent = await send(dee, dm, "only once");
    await expect.poll(() => pushes(cy).at(-1)?.messageId, { timeout: 20_000 }).toBe(sent.messageId);
    const before = pushes(cy).length;
    const { rows } = await services.sql.query<{ payload: unknown }>(
      `SELECT payload FROM "ChannelEvent" WHERE "channelId" = $1::uuid AND type = 'messageCreated'`,
      [dm],
    );
    await notifier.notifier.handle({
      partition: 0,
      records: rows.map((r) => ({ key: dm, value: JSON.stringify(r.payload) })),
    });
    await settled();
    expect(pushes(cy)).toHaveLength(before);
  });
});

describe("workspace switches", () => {
  it("hides previews, and turns FCM off while open tabs still hear", async () => {
    const dm = (await doOpenDm(services, bo, [ann.id])).channelId;
    await services.db.workspace.updateMany({ data: { pushPreviews: false } });
    await new Promise((r) => setTimeout(r, 2100)); // the notifier reads the switches at most every 2 s
    await send(bo, dm, "secret plans");
    await expect.poll(() => pushes(ann).at(-1)?.title, { timeout: 20_000 }).toBe("Bo");
    expect(pushes(ann).at(-1)).toMatchObject({ body: "New message" });

    await services.db.workspace.updateMany({ data: { pushPreviews: true, pushEnabled: false } });
    await new Promise((r) => setTimeout(r, 2100));
    const before = pushes(ann).length;
    await send(bo, dm, "no push for this");
    const tab = await openTab(ann);
    await send(bo, dm, "but the tab shows this");
    await expect.poll(() => shown(ann).at(-1)?.body, { timeout: 20_000 }).toBe("Bo: but the tab shows this");
    await services.kv.removeMembers([{ key: socketsKey(ann.id), member: tab }]);
    await services.db.workspace.updateMany({ data: { pushEnabled: true } });
    await new Promise((r) => setTimeout(r, 2100));
    await settled();
    expect(pushes(ann)).toHaveLength(before);
  });

  it("counts pushes per minute for the dashboard", async () => {
    // A push is counted just after FCM answers it: the last one may still be on its way to the counter.
    const total = async (k: "sent" | "failed" | "browser") =>
      (await pushesPerMinute(services.kv)).reduce((n, m) => n + m[k], 0);
    await expect.poll(() => total("sent")).toBe(endpoint.sends.filter((s) => s.status === 200).length);
    await expect.poll(() => total("browser")).toBe([...tabs.values()].reduce((n, list) => n + list.length, 0));
    expect(await total("failed")).toBe(0);
  });
});

function minuteIn(timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date());
  return (
    Number(parts.find((p) => p.type === "hour")?.value) * 60 + Number(parts.find((p) => p.type === "minute")?.value)
  );
}
