// Scenario 6: the notifier. One API node (NOTIFIER=off), the standalone persister and a standalone notifier
// (`src/notifications/main.ts`) pushing through the real firebase-admin to the local FCM-compatible HTTPS
// endpoint (test/support/fcm-endpoint.ts) in this process. Channels hold online senders and offline members
// with one web device each; 10% of the messages name one offline member, so each of those is one FCM push.
//  1. Steady: 1,000 messages/s. Commit → FCM-accept latency per mention: from the moment the persister's
//     announcement of the stored message reaches a Redis subscriber here (it announces only after its
//     PostgreSQL commit) to the moment the endpoint answers 200 to the push that shows it. Messages decided
//     per second from the notifier's own counters, read from its /metrics every second.
//  2. Catch-up: the notifier is stopped, a backlog is sent, a new notifier started: how fast it decides and
//     pushes when the work is waiting (its capacity, not the offered rate).
// Checked (lib/notify-accounting.ts): every mention notified, no message pushed twice, nothing pushed elsewhere.
import os from "node:os";
import { type FcmEndpoint, startFcmEndpoint } from "../../test/support/fcm-endpoint.js";
import { freePort } from "../../test/support/processes.js";
import { type BenchContext, Cluster, log } from "../lib/cluster.js";
import { describeCores } from "../lib/cpu.js";
import { Histogram } from "../lib/histogram.js";
import { CounterSampler, notifierCounters, watchAnnouncements } from "../lib/notifier-probes.js";
import { coverage, storedMentions, waitForCoverage } from "../lib/notify-accounting.js";
import { runPhase } from "../lib/phase.js";
import { type NodeProcess, startNotifierNode } from "../lib/processes.js";
import { metric, type ScenarioResult } from "../lib/report.js";
import { seedChannels, seedMembers, seedUsers, sourceAddress } from "../lib/seed.js";

const SENDERS_PER_CHANNEL = 5;
const OFFLINE_PER_CHANNEL = 20;
/** One message in this many names an offline member. */
const MENTION_EVERY = 10;
/** How long the notifier may take to finish what was sent before the scenario gives up waiting. */
const DRAIN_TIMEOUT_MS = 180_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export async function notificationsScenario(ctx: BenchContext): Promise<Partial<ScenarioResult>> {
  const channelCount = ctx.quick ? 20 : 100;
  const rate = ctx.quick ? 200 : 1000;
  const warmupMs = ctx.quick ? 3000 : 5000;
  const measureMs = ctx.quick ? 10_000 : 60_000;
  const backlogMs = ctx.quick ? 5000 : 20_000;
  const endpoint: FcmEndpoint = await startFcmEndpoint("parley-bench");
  const cluster = await Cluster.start("notifications", ctx, { nodes: 1, env: { NOTIFIER: "off" } });
  let notifier: NodeProcess | undefined;
  let watcher: Awaited<ReturnType<typeof watchAnnouncements>> | undefined;
  const sampler: CounterSampler[] = [];
  try {
    const db = cluster.stack.db;
    const channels = await seedChannels(db, channelCount, "notify");
    const senders = await seedUsers(db, channelCount * SENDERS_PER_CHANNEL, "sender");
    const offline = await seedUsers(db, channelCount * OFFLINE_PER_CHANNEL, "away");
    const channelOf = (i: number, per: number) => channels[Math.floor(i / per)] as string;
    await seedMembers(db, [
      ...senders.map((u, i) => ({ channelId: channelOf(i, SENDERS_PER_CHANNEL), userId: u.id })),
      ...offline.map((u, i) => ({ channelId: channelOf(i, OFFLINE_PER_CHANNEL), userId: u.id })),
    ]);
    const { sessionIdOf } = await import("../../src/accounts/sessions.js");
    const tokenOf = new Map(offline.map((u) => [u.id, `bench-device-${u.id}`]));
    await db.query(
      `INSERT INTO "PushDevice" (id, "userId", "sessionId", token, platform)
       SELECT gen_random_uuid(), u, s, t, 'web' FROM unnest($1::uuid[], $2::text[], $3::text[]) AS d(u, s, t)`,
      [offline.map((u) => u.id), offline.map((u) => sessionIdOf(u.token)), offline.map((u) => tokenOf.get(u.id))],
    );
    const metricsPort = await freePort();
    const startNotifier = async () => {
      notifier = await startNotifierNode({ ...cluster.stack.env, ...endpoint.env }, metricsPort);
      const s = new CounterSampler(notifier.url);
      s.start();
      sampler.push(s);
      return s;
    };
    const steady = await startNotifier();
    watcher = await watchAnnouncements(cluster.stack.env.REDIS_URL as string, cluster.stack.env.REDIS_PREFIX as string);

    const pool = cluster.loadPool(ctx.workers);
    log("notifications", `connecting ${senders.length} senders; ${offline.length} offline members with a device each`);
    const sent = await pool.connect(
      cluster.api.url,
      senders.map((u, i) => ({ token: u.token, group: "sender", resume: false, localAddress: sourceAddress(i) })),
    );
    if (sent.failed > 0) throw new Error(`${sent.failed} sockets failed to connect: ${sent.firstErrors.join("; ")}`);
    await sleep(3000);
    // Round r of the senders: sender i names someone when r ≡ i (mod MENTION_EVERY), so 1 in MENTION_EVERY
    // of every sender's and every channel's messages does; each channel names its offline members in turn.
    const mentionTurn = new Map<string, number>();
    const targets = Array.from({ length: senders.length * MENTION_EVERY }, (_, k) => {
      const i = k % senders.length;
      const round = Math.floor(k / senders.length);
      const channelId = channelOf(i, SENDERS_PER_CHANNEL);
      const base = { ...(sent.placement[i] as { worker: number; client: number }), channelId };
      if (round % MENTION_EVERY !== i % MENTION_EVERY) return base;
      const turn = mentionTurn.get(channelId) ?? 0;
      mentionTurn.set(channelId, turn + 1);
      const c = channels.indexOf(channelId);
      return {
        ...base,
        mention: (offline[c * OFFLINE_PER_CHANNEL + (turn % OFFLINE_PER_CHANNEL)] as { id: string }).id,
      };
    });
    const parties = {
      api: [cluster.api.pid],
      persister: [cluster.persister?.pid ?? 0],
      notifier: [notifier?.pid ?? 0],
      "load generators": pool.pids,
      "FCM endpoint + bench": [process.pid],
    };

    log("notifications", `${rate} messages/s (1 in ${MENTION_EVERY} a mention) for ${measureMs / 1000} s`);
    const phaseStart = Date.now();
    watcher.window.from = phaseStart + warmupMs;
    watcher.window.to = phaseStart + warmupMs + measureMs;
    const r = await runPhase(pool, {
      scenario: "notifications",
      targets,
      ratePerSec: rate,
      warmupMs,
      measureMs,
      tag: "steady",
      bodyBytes: 100,
      parties,
      cluster,
    });
    const from = phaseStart + warmupMs;
    const to = from + measureMs;
    await waitUntilStored(db, channels, r.acked);
    const steadyMentions = await storedMentions(db, channels);
    const steadyLeft = await waitForCoverage(steadyMentions, endpoint, tokenOf, DRAIN_TIMEOUT_MS);
    if (steadyLeft > 0) log("notifications", `steady: ${steadyLeft} mentions not notified after waiting`);
    steady.stop();
    // Every mention announced in the window, timed to the push that shows it (itself, or a newer one).
    const latency = new Histogram();
    const steadyCover = coverage(steadyMentions, endpoint.sends, tokenOf);
    for (const m of steadyMentions) {
      const at = watcher.announced.get(m.id);
      const push = steadyCover.cover.get(m.id);
      if (at !== undefined && push && at >= from && at <= to) latency.record(push.answeredAt - at);
    }
    const lat = latency.summary();
    const commit = watcher.sendToCommit.summary();
    const messagesPerSec = steady.rate(from, to, "messages");
    const decidedPerSec = steady.rate(from, to, "decisions");
    const pushedPerSec = steady.rate(from, to, "pushed");

    // Catch-up: the notifier away while a backlog builds, then a fresh one works through it.
    log("notifications", `stopping the notifier; ${rate} messages/s for ${backlogMs / 1000} s as a backlog`);
    await notifier?.stop();
    const backlog = await pool.send(targets, {
      ratePerSec: rate,
      durationMs: backlogMs,
      tag: "backlog",
      bodyBytes: 100,
    });
    const waitingMessages = backlog.acked;
    await waitUntilStored(db, channels, r.acked + backlog.acked);
    const allMentions = await storedMentions(db, channels);
    const steadyIds = new Set(steadyMentions.map((m) => m.id));
    const backlogMentions = allMentions.filter((m) => !steadyIds.has(m.id));
    log("notifications", `starting a new notifier for ${waitingMessages} waiting messages`);
    const startedAt = Date.now();
    const catchUp = await startNotifier();
    const readyAt = Date.now();
    await waitForCoverage(backlogMentions, endpoint, tokenOf, DRAIN_TIMEOUT_MS);
    // Done when every waiting message is decided (its counter) and every mention pushed.
    let last = await notifierCounters(catchUp.url);
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (last.messages < waitingMessages && Date.now() < deadline) {
      await sleep(100);
      last = await notifierCounters(catchUp.url);
    }
    const decidedAt = Date.now();
    catchUp.stop();
    // Read again: a send whose reply timed out (counted as an error) may still have been accepted and stored.
    const final = coverage(await storedMentions(db, channels), endpoint.sends, tokenOf);
    const backlogIds = new Set(backlogMentions.map((m) => m.id));
    const lastPush = Math.max(
      0,
      ...endpoint.sends.filter((s) => backlogIds.has(s.message.data?.messageId ?? "")).map((s) => s.answeredAt),
    );
    const catchUpSeconds = (Math.max(decidedAt, lastPush) - readyAt) / 1000;
    const backlogPushes = endpoint.sends.filter((s) => backlogIds.has(s.message.data?.messageId ?? "")).length;
    const problems = [...final.problems];
    if (last.messages < waitingMessages)
      problems.push(`catch-up decided ${last.messages} of ${waitingMessages} waiting messages`);
    const errors = [...Object.values(r.errors), ...Object.values(backlog.errors)].reduce((a, b) => a + b, 0);
    const at = `@${rate} msg/s`;
    await notifier?.stop(); // before the stack it reads is dropped
    return {
      metrics: [
        metric(`messages/s ${at}`, r.acksPerSec, "/s"),
        metric(`send→commit p50 ${at} (context)`, commit.p50, "ms"),
        metric(`send→commit p99 ${at} (context)`, commit.p99, "ms"),
        metric(`messages decided/s ${at}`, messagesPerSec, "/s"),
        metric(`candidate recipients decided/s ${at}`, decidedPerSec, "/s"),
        metric(`FCM pushes accepted/s ${at}`, pushedPerSec, "/s"),
        metric(`commit→FCM-accept p50 ${at}`, lat.p50, "ms"),
        metric(`commit→FCM-accept p99 ${at}`, lat.p99, "ms"),
        metric(`commit→FCM-accept max ${at}`, lat.max, "ms"),
        metric("mentions timed", lat.count, ""),
        metric("of which shown by a newer push (burst)", steadyCover.collapsed, ""),
        metric(`send errors ${at}`, errors, ""),
        { name: `CPU cores ${at}`, value: describeCores(r.cores, os.cpus().length) },
        metric("catch-up: messages waiting", waitingMessages, ""),
        metric("catch-up: messages decided/s", last.messages / catchUpSeconds, "/s"),
        metric("catch-up: candidate recipients decided/s", last.decisions / catchUpSeconds, "/s"),
        metric("catch-up: FCM pushes/s", backlogPushes / catchUpSeconds, "/s"),
        metric("catch-up: notifier start-up", (readyAt - startedAt) / 1000, "s"),
      ],
      problems,
      notes: [
        `${channelCount} public channels, each with ${SENDERS_PER_CHANNEL} online senders (sockets on the API node) and ` +
          `${OFFLINE_PER_CHANNEL} offline members with one web push device each (notify level "mentions", the default); ` +
          `1 message in ${MENTION_EVERY} names one offline member, in turn, so each is one FCM request. Every message ` +
          "is decided (parley_notifier_events_total); the notifier reads only the members who could hear of a " +
          'batch\'s messages (none for a plain message when all are at "mentions"), and those are the candidate ' +
          "recipients decided (parley_notifier_decisions_total). Commit = the persister's " +
          "Redis announcement of the stored message reaching a subscriber (it announces after its PostgreSQL commit); " +
          "FCM-accept = the local FCM endpoint (HTTPS, real firebase-admin on the other end) answering 200. " +
          "Catch-up: the notifier stopped, the same load sent for " +
          `${backlogMs / 1000} s, then a new notifier process works through it; rates over the time from its ` +
          "readiness to its last decision or push. A person named again in a channel before the notifier reached the " +
          "first gets one notification showing the newest (one per burst): such a mention is timed to that push. " +
          "Checked: every accepted mention notified (by its own push or that newer one), no message pushed twice, " +
          "no push to anyone not named, every waiting message decided.",
      ],
      config: {
        channels: channelCount,
        messagesPerSecAsked: rate,
        measureSeconds: measureMs / 1000,
        errors: r.errors,
        cores: r.cores,
        latency: lat,
      },
      profiles: await cluster.stop(),
    };
  } catch (error) {
    await notifier?.stop();
    await cluster.stop();
    throw error;
  } finally {
    for (const s of sampler) s.stop();
    await watcher?.close();
    await endpoint.close();
  }
}

/** Until the persister has stored `count` messages in the scenario's channels. */
async function waitUntilStored(db: Cluster["stack"]["db"], channels: string[], count: number) {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*)::bigint AS n FROM "Message" WHERE "channelId" = ANY($1::uuid[])`,
      [channels],
    );
    const stored = Number(rows[0]?.n ?? 0);
    if (stored >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${stored} of ${count} accepted messages stored`);
    await sleep(250);
  }
}
