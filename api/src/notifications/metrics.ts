// The notifier's Prometheus metrics, on the process's one registry (served at /metrics).
import { Counter, Histogram } from "prom-client";
import { registry } from "../lib/metrics.js";

export const notifierDecisions = new Counter({
  name: "parley_notifier_decisions_total",
  help: "Recipients decided, by outcome (notify, or why not: author, muted, level, active, dnd, …)",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

export const notifierEvents = new Counter({
  name: "parley_notifier_events_total",
  help: "Stored message events decided (new: who hears of it; edited, deleted: what becomes of its notification)",
  labelNames: ["type"] as const,
  registers: [registry],
});

export const notifierPushes = new Counter({
  name: "parley_notifier_pushes_total",
  help: "Notifications handed to a transport, by transport (fcm: per device) and outcome",
  labelNames: ["transport", "outcome"] as const,
  registers: [registry],
});

export const notifierBatchSeconds = new Histogram({
  name: "parley_notifier_batch_seconds",
  help: "Time to handle one batch of channel events, from the wait for storage to the last transport",
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});
