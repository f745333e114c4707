// What the admin's live operations view is made of (sent over the socket: protocol.ts). Times are ms since
// the epoch; rates per second.

/** What each API node publishes every OPS_HEARTBEAT_MS (heartbeat.ts). */
export interface NodeHeartbeat {
  nodeId: string;
  startedAt: number;
  at: number;
  sockets: number;
  /** Of one core, over the last heartbeat interval. */
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Messages this node accepted per second over the last heartbeat interval. */
  messagesPerSecond: number;
  /** Send → delivered on this node (the event's acceptance to its fan-out here), over the last interval. */
  latency: LatencySummary;
}

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** A node as the dashboard shows it: `down` once its last heartbeat is older than OPS_NODE_STALE_MS. */
export interface OpsNode extends NodeHeartbeat {
  ageMs: number;
  down: boolean;
}

export interface ServiceHealth {
  ok: boolean;
  /** "postgres", "redis", "kafka", or "embedded" for the in-process stand-ins of the single-node default. */
  kind: string;
  latencyMs?: number;
  error?: string;
}

export interface SfuStatus {
  url: string;
  up: boolean;
  nodeId?: string;
  workers?: number;
  calls?: number;
  participants?: number;
  consumers?: number;
}

export interface PersisterBacklog {
  /** Events in the log not yet stored, per partition; null when the log could not be asked. */
  partitions: { partition: number; lag: number }[] | null;
  totalLag: number | null;
  /** Events the persister refused and that wait for a replay. */
  deadLetters: number | null;
  error?: string;
}

export interface OpsSnapshot {
  at: number;
  onlineUsers: number;
  nodes: OpsNode[];
  persister: PersisterBacklog;
  sfus: SfuStatus[];
  services: { postgres: ServiceHealth; redis: ServiceHealth; kafka: ServiceHealth };
}

/** One point of the time series (last 15 minutes). */
export interface OpsPoint {
  t: number;
  messagesPerSecond: number;
  /** p50: the nodes' p50s weighted by their deliveries; p99: the highest node p99 (a bound, not a merge). */
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  /** Null while nobody watched (the log is only asked while an admin looks). */
  persisterLag: number | null;
}
