import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const persistedEvents = new Counter({
  name: "parley_persister_events_total",
  help: "Channel events handled by the persister, by outcome",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

export const persisterLag = new Gauge({
  name: "parley_persister_lag_ms",
  help: "Time from an event's acceptance to its commit in PostgreSQL, for the latest batch",
  registers: [registry],
});

export const persistBatchSeconds = new Histogram({
  name: "parley_persister_batch_seconds",
  help: "Time to store one batch",
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

export const socketConnections = new Gauge({
  name: "parley_socket_connections",
  help: "Open WebSocket connections on this node",
  registers: [registry],
});

export const socketFramesSent = new Counter({
  name: "parley_socket_frames_sent_total",
  help: "Frames sent to sockets on this node",
  registers: [registry],
});

export const slowConsumerCloses = new Counter({
  name: "parley_socket_slow_consumer_closes_total",
  help: "Sockets closed with 4008 because their send buffer passed SOCKET_MAX_BUFFERED_BYTES",
  registers: [registry],
});

export const logProducerReplacements = new Counter({
  name: "parley_log_producer_replacements_total",
  help: "Kafka producers dropped after a failed write (the next write connects a new one, with a new producer id)",
  registers: [registry],
});

export const logAppendsTimedOut = new Counter({
  name: "parley_log_appends_timed_out_total",
  help: "Appends refused with log_unavailable because the log did not take them within KAFKA_SEND_TIMEOUT_MS",
  registers: [registry],
});

export const quotaRefusals = new Counter({
  name: "parley_quota_refusals_total",
  help: "Requests, frames and socket upgrades refused by a per-user or per-address quota, by quota",
  labelNames: ["quota"] as const,
  registers: [registry],
});

export const replicaReads = new Counter({
  name: "parley_read_replica_reads_total",
  help: "Reads that could go to the read replica, by where they went (replica, primary: it lagged or failed)",
  labelNames: ["target"] as const,
  registers: [registry],
});
