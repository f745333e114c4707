// Reads the cluster's state for the live operations view: node heartbeats, who is online, the persister's
// backlog, the SFUs and the backing services. Also the time-series point derived from it.
import { checkServices } from "../health/checks.js";
import { persisterGroup } from "../persister/persister.js";
import { ONLINE_INDEX } from "../presence/announce.js";
import type { Services } from "../services.js";
import type { NodeHeartbeat, OpsNode, OpsPoint, OpsSnapshot, PersisterBacklog, SfuStatus } from "./types.js";

export function nodesAt(beats: NodeHeartbeat[], now: number, staleMs: number): OpsNode[] {
  return beats.map((beat) => ({ ...beat, ageMs: Math.max(0, now - beat.at), down: now - beat.at > staleMs }));
}

/** The cluster's rate and latency from the nodes that are up. */
export function pointOf(nodes: OpsNode[], now: number, persisterLag: number | null): OpsPoint {
  const up = nodes.filter((n) => !n.down);
  const measured = up.filter((n) => n.latency.count > 0 && n.latency.p50Ms !== null);
  const deliveries = measured.reduce((sum, n) => sum + n.latency.count, 0);
  const p50 =
    deliveries === 0
      ? null
      : measured.reduce((sum, n) => sum + (n.latency.p50Ms ?? 0) * n.latency.count, 0) / deliveries;
  const p99s = measured.map((n) => n.latency.p99Ms ?? 0);
  return {
    t: now,
    messagesPerSecond: Math.round(up.reduce((sum, n) => sum + n.messagesPerSecond, 0) * 10) / 10,
    latencyP50Ms: p50 === null ? null : Math.round(p50 * 10) / 10,
    latencyP99Ms: p99s.length === 0 ? null : Math.max(...p99s),
    persisterLag,
  };
}

async function backlogOf(services: Services): Promise<PersisterBacklog> {
  try {
    const { partitions, deadLetters } = await services.log.backlog(persisterGroup(services.config.KAFKA_TOPIC_PREFIX));
    return { partitions, totalLag: partitions.reduce((sum, p) => sum + p.lag, 0), deadLetters };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { partitions: null, totalLag: null, deadLetters: null, error: message };
  }
}

export async function readSnapshot(
  services: Services,
  nodes: OpsNode[],
  sfus: () => Promise<SfuStatus[]>,
): Promise<OpsSnapshot> {
  const [online, persister, sfuList, checks] = await Promise.all([
    services.kv.liveMembersOf([ONLINE_INDEX]).then(([members = []]) => members.length),
    backlogOf(services),
    sfus().catch(() => []),
    checkServices(services),
  ]);
  const postgres = { ...checks.db, kind: checks.db.kind === "external" ? "postgres" : checks.db.kind };
  return {
    at: Date.now(),
    onlineUsers: online,
    nodes,
    persister,
    sfus: sfuList,
    services: { postgres, redis: checks.redis, kafka: checks.kafka },
  };
}
