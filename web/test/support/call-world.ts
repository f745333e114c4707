// A calls test file's world: its own PostgreSQL (and Redis; Kafka when asked), a real SFU with a real
// mediasoup worker, one or more API nodes pointed at it, people with sessions, a private channel they are
// members of, and one Chromium with fake camera and microphone. Call it inside the file's describe: it
// registers the beforeAll and afterAll, and the world's fields are there from the first test on.
import path from "node:path";
import {
  type ApiProcess,
  createTestStack,
  createUser,
  launchChromium,
  type SfuProcess,
  sessionToken,
  startApi,
  startSfu,
  type TestStack,
} from "api/test-support";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, onTestFailed } from "vitest";
import { type CallTab, FAKE_MEDIA_FLAGS, openTab } from "../call-page";
import { SCREENS } from "./web-stack";

export type CallPerson = { name: string; userId: string; token: string };

export interface CallWorldOptions<K extends string> {
  /** Short name for the failure screenshots (`failed-<label>-<first name>.png`). */
  label: string;
  /** Each person's key, display name and role (member unless said). */
  people: readonly (readonly [K, string, ("admin" | "member")?])[];
  /** The private channel's name and who is in it (everyone unless said). */
  channel: { name: string; members?: readonly K[] };
  /** Extra environment of each API node, one entry per node (one node by default). */
  nodes?: Record<string, string>[];
  /** The SFU's extra environment. */
  sfuEnv?: Record<string, string>;
  /** Kafka too (several nodes share their work through it). */
  kafka?: boolean;
}

export interface CallWorld<K extends string> {
  stack: TestStack;
  db: Awaited<ReturnType<TestStack["open"]>>["db"];
  /** Replaceable: a test that restarts the SFU puts the new one here, and the end stops that one. */
  sfu: SfuProcess;
  nodes: ApiProcess[];
  /** The first API node. */
  api: ApiProcess;
  browser: Browser;
  people: Record<K, CallPerson>;
  channelId: string;
  channelPath: string;
  tabs: CallTab[];
  /** A signed-in tab of `who` at `at` (the channel by default) on `node` (the first by default). */
  tab(who: CallPerson, options?: { at?: string; node?: ApiProcess }): Promise<CallTab>;
}

export function callWorld<K extends string>(options: CallWorldOptions<K>): CallWorld<K> {
  const world = { nodes: [], tabs: [], people: {} } as unknown as CallWorld<K>;
  beforeAll(async () => {
    world.stack = await createTestStack({ redis: true, kafka: options.kafka ?? false });
    world.db = (await world.stack.open()).db;
    world.sfu = await startSfu(options.sfuEnv);
    const env = { ...world.stack.env, SFU_URLS: world.sfu.url, SFU_SECRET: world.sfu.secret };
    world.nodes = await Promise.all((options.nodes ?? [{}]).map((extra) => startApi({ ...env, ...extra })));
    world.api = world.nodes[0] as ApiProcess;
    for (const [key, name, role] of options.people) {
      const user = await createUser(world.db, { name, role: role ?? "member" });
      world.people[key] = { name, userId: user.id, token: await sessionToken(world.db, user.id) };
    }
    const members = (options.channel.members ?? options.people.map(([key]) => key)).map((k) => world.people[k]);
    const channel = await world.db.channel.create({
      data: {
        kind: "private",
        name: options.channel.name,
        members: { create: members.map((p) => ({ userId: p.userId })) },
      },
    });
    world.channelId = channel.id;
    world.channelPath = `/c/${channel.id}`;
    world.browser = await launchChromium(FAKE_MEDIA_FLAGS);
  }, 200_000);

  afterAll(async () => {
    for (const t of world.tabs) await t.context.close().catch(() => {});
    await world.browser?.close();
    for (const n of world.nodes) await n.stop();
    await world.sfu?.stop();
    await world.stack?.cleanup();
  });

  world.tab = async (who, { at = world.channelPath, node = world.api } = {}) => {
    const t = await openTab(world.browser, node.url, who, at);
    world.tabs.push(t);
    // What each page showed when a test failed, to look at.
    onTestFailed(async () => {
      const first = who.name.split(" ")[0];
      await t.page.screenshot({ path: path.join(SCREENS, `failed-${options.label}-${first}.png`) }).catch(() => {});
    });
    return t;
  };
  return world;
}
