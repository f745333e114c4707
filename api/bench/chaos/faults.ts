// The six faults, injected one at a time into the running product. Each injects, brings the broken part
// back as an operator or a supervisor would, and returns how to measure what only it has (called once the
// traffic has recovered).
import type { TestSocket } from "../../test/support/socket-client.js";
import { ALLOWED_DELAY_MS, deliveryTimes, POISON_EVENTS, POISON_SENDS, p99, poisonStream } from "./poison.js";
import type { Product } from "./product.js";
import type { PrivateServices } from "./services.js";
import type { Traffic } from "./traffic.js";

export interface FaultContext {
  services: PrivateServices;
  product: Product;
  traffic: Traffic;
  say: (message: string) => void;
  /** For the poison stream: a member's socket and a channel on the steady channel's partition. */
  poison: { socket: TestSocket; channelId: string; authorId: string; topic: string };
  /** When the phase began (its quiet seconds before the injection are the poison's baseline). */
  phaseStart: number;
}

export type Measures = [string, string][];

export interface Fault {
  name: string;
  /** Quiet seconds of traffic before the injection. */
  warmMs: number;
  /** Resolves with how to measure the fault's own numbers, given when its phase ended. */
  inject(ctx: FaultContext): Promise<(end: number) => Measures>;
  /** Met the fault's own bar (beyond zero loss)? Undefined: nothing more to check. */
  check?: (measures: Measures) => string | undefined;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms = (value: number) => `${Math.round(value)} ms`;

/** The first delivery of any steady message on any client after `t`. */
function firstDeliveryAfter(traffic: Traffic, t: number): number | undefined {
  let first: number | undefined;
  for (const c of traffic.clients)
    for (const at of c.delivered.values()) if (at > t && (first === undefined || at < first)) first = at;
  return first;
}

/** The longest single sendMessage request (ask → verdict) and the longest time to acceptance, in [from, to). */
function sendWaits(traffic: Traffic, from: number, to: number): Measures {
  const attempts = traffic.clients.flatMap((c) => c.attempts.filter((a) => a.startedAt >= from && a.startedAt < to));
  const refused = attempts.filter((a) => a.code !== "ok");
  const longest = Math.max(0, ...attempts.map((a) => a.ms));
  const toAccept = Math.max(
    0,
    ...traffic.sends.filter((x) => x.sentAt >= from && x.sentAt < to && x.at).map((x) => (x.at as number) - x.sentAt),
  );
  const codes = new Map<string, number>();
  for (const a of refused) codes.set(a.code, (codes.get(a.code) ?? 0) + 1);
  return [
    ["longest send wait (one request)", ms(longest)],
    ["longest first try → accepted (with retries)", ms(toAccept)],
    ["tries refused", [...codes].map(([code, n]) => `${n} ${code}`).join(", ") || "0"],
  ];
}

export const FAULTS: Fault[] = [
  {
    name: "kill -9 of an API node",
    warmMs: 4000,
    async inject({ product, traffic, say }) {
      const at = performance.now();
      const onIt = traffic.clients.filter((c) => c.url === product.urls[1]).length;
      say(`kill -9 api-2 (${onIt} clients on it), then starting it again`);
      const { goneAt, readyAt } = await product.killNode(1);
      return (end) => [
        ["clients moved to another node", String(onIt)],
        ["node back (kill → ready)", s(readyAt - goneAt)],
        ...sendWaits(traffic, at, end),
      ];
    },
  },
  {
    name: "kill -9 of the persister",
    warmMs: 4000,
    async inject({ product, traffic, say }) {
      say("kill -9 the persister, then starting it again");
      const { goneAt, readyAt } = await product.killPersister();
      return () => {
        const first = firstDeliveryAfter(traffic, readyAt);
        return [
          ["persister back (kill → ready)", s(readyAt - goneAt)],
          ["persister ready → first delivery", first === undefined ? "none" : s(first - readyAt)],
        ];
      };
    },
  },
  {
    name: "Kafka broker kill -9 + restart",
    warmMs: 4000,
    async inject({ services, traffic, say }) {
      const at = performance.now();
      say("kill -9 the Kafka broker, then starting it again (ops/services up kafka)");
      await services.kill9Kafka();
      const goneAt = performance.now();
      await services.up("kafka");
      const readyAt = performance.now();
      return (end) => {
        const first = firstDeliveryAfter(traffic, readyAt);
        return [
          ["broker down (kill → ready)", s(readyAt - goneAt)],
          ["broker ready → first delivery", first === undefined ? "none" : s(first - readyAt)],
          ...sendWaits(traffic, at, end),
        ];
      };
    },
  },
  {
    name: "Redis kill -9 + restart",
    warmMs: 4000,
    async inject({ services, traffic, say }) {
      const at = performance.now();
      say("kill -9 Redis (no persistence: every key is gone), then starting it again (ops/services up redis)");
      await services.kill9Redis();
      const goneAt = performance.now();
      await services.up("redis");
      const readyAt = performance.now();
      return (end) => {
        const first = firstDeliveryAfter(traffic, readyAt);
        return [
          ["Redis down (kill → ready)", s(readyAt - goneAt)],
          ["Redis ready → first delivery", first === undefined ? "none" : s(first - readyAt)],
          ...sendWaits(traffic, at, end),
        ];
      };
    },
  },
  {
    name: "PostgreSQL crash + restart",
    warmMs: 4000,
    async inject({ services, traffic, say }) {
      const at = performance.now();
      say("PostgreSQL: pg_ctl stop -m immediate (a crash), then starting it again (ops/services up postgres)");
      await services.crashPostgres();
      const goneAt = performance.now();
      await services.up("postgres");
      const readyAt = performance.now();
      return (end) => {
        const first = firstDeliveryAfter(traffic, readyAt);
        // Caught up: every message accepted before PostgreSQL was back is on every client.
        const before = traffic.sends.filter((x) => x.at !== undefined && (x.at as number) < readyAt);
        const caughtUp = Math.max(0, ...before.map((x) => traffic.deliveredEverywhere(x.id) ?? Number.NaN));
        return [
          ["PostgreSQL down (crash → ready)", s(readyAt - goneAt)],
          ["PostgreSQL ready → first delivery", first === undefined ? "none" : s(first - readyAt)],
          [
            "PostgreSQL ready → persister caught up",
            Number.isNaN(caughtUp) ? "not yet" : s(Math.max(0, caughtUp - readyAt)),
          ],
          ...sendWaits(traffic, at, end),
        ];
      };
    },
  },
  poisonFault("poison sends through the API", { sends: POISON_SENDS, events: 0 }),
  poisonFault("poison events in the log", { sends: 0, events: POISON_EVENTS }),
];

/** A poison stream of `sends` through the API and `events` straight into the log (poison.ts), ~10 s. */
function poisonFault(name: string, amount: { sends: number; events: number }): Fault {
  return {
    name,
    warmMs: 10_000,
    async inject({ services, traffic, say, poison, phaseStart }) {
      say(`${amount.sends} poison sends through the API, ${amount.events} poison events into the log, over ~10 s`);
      const startedAt = performance.now();
      const result = await poisonStream({ ...poison, ...amount, brokers: services.kafkaBrokers });
      return () => {
        const before = p99(deliveryTimes(traffic, phaseStart, startedAt));
        const during = p99(deliveryTimes(traffic, startedAt, result.doneAt));
        const replies = [...result.replies].map(([code, n]) => `${n} ${code}`).join(", ");
        return [
          ...(amount.sends ? ([["API replies to the poison sends", replies]] as Measures) : []),
          ...(amount.events ? ([["poison events written to the log", String(amount.events)]] as Measures) : []),
          ["other channel's delivery p99 before", ms(before)],
          ["other channel's delivery p99 during", ms(during)],
          [`extra p99 delay (bound ${ALLOWED_DELAY_MS} ms)`, ms(during - before)],
        ];
      };
    },
    check(measures) {
      const get = (prefix: string) => measures.find(([k]) => k.startsWith(prefix))?.[1] ?? "";
      const delay = Number.parseInt(get("extra p99 delay"), 10);
      if (!(delay <= ALLOWED_DELAY_MS)) return `the poison delayed another channel's delivery p99 by ${delay} ms`;
      if (/accepted/.test(get("API replies"))) return "the API accepted a poison send";
      return undefined;
    },
  };
}
