// What the notifications scenario watches: the notifier's own counters (its /metrics, sampled every second)
// and the persister's announcements of stored messages on Redis (made after its PostgreSQL commit).
import { Redis } from "ioredis";
import { Histogram } from "./histogram.js";

/** The notifier's counters, from its /metrics. */
export async function notifierCounters(url: string) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (name: string, label?: string) =>
    text
      .split("\n")
      .filter((l) => l.startsWith(name) && (!label || l.includes(label)))
      .reduce((total, l) => total + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
  return {
    messages: sum("parley_notifier_events_total", 'type="messageCreated"'),
    decisions: sum("parley_notifier_decisions_total"),
    pushed: sum("parley_notifier_pushes_total", 'transport="fcm",outcome="sent"'),
  };
}

/** Samples the notifier's counters every second, so a rate can be read over any window afterwards. */
export class CounterSampler {
  readonly samples: { at: number; messages: number; decisions: number; pushed: number }[] = [];
  private timer?: NodeJS.Timeout;
  constructor(readonly url: string) {}
  start() {
    this.timer = setInterval(() => {
      notifierCounters(this.url)
        .then((c) => this.samples.push({ at: Date.now(), ...c }))
        .catch(() => {});
    }, 1000);
  }
  stop() {
    clearInterval(this.timer);
  }
  /** Per second over the samples inside [from, to]. */
  rate(from: number, to: number, key: "messages" | "decisions" | "pushed") {
    const inside = this.samples.filter((s) => s.at >= from && s.at <= to);
    const first = inside[0];
    const last = inside.at(-1);
    if (!first || !last || last.at === first.at) return 0;
    return ((last[key] - first[key]) * 1000) / (last.at - first.at);
  }
}

/** When each stored mention was announced on Redis (after the persister's commit), by message id. */
export async function watchAnnouncements(redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl);
  const announced = new Map<string, number>();
  /** Send (the load generator's clock, in the body) → commit announced, for every message. */
  const sendToCommit = new Histogram();
  const window = { from: Number.POSITIVE_INFINITY, to: Number.POSITIVE_INFINITY };
  redis.on("pmessage", (_pattern, _topic, payload: string) => {
    const at = Date.now();
    const event = JSON.parse(payload) as { type: string; data: { messageId?: string; body?: string } };
    if (event.type !== "messageCreated" || !event.data.messageId) return;
    const body = event.data.body ?? "";
    if (body.startsWith("t=") && at >= window.from && at <= window.to)
      sendToCommit.record(at - Number.parseFloat(body.slice(2, body.indexOf(" "))));
    if (body.includes("<@")) announced.set(event.data.messageId, at);
  });
  await redis.psubscribe(`${prefix}channel:*`);
  return { announced, sendToCommit, window, close: () => redis.quit().then(() => undefined) };
}
