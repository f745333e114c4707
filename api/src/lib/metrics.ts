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
