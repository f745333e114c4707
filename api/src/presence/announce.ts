// Working out presence from Redis and telling co-members when it changed, for many users at once: one
// pipelined command per user (settled inside Redis), one UPDATE and one SELECT however many users
// (BENCHMARKS.md finding 8 and §8).
import { groupBy } from "../lib/group-by.js";
import { statusFrom } from "../lib/presence-status.js";
import { ephemeralMessages } from "../realtime/ephemeral.js";
import type { PresenceStatus } from "../realtime/protocol.js";
import type { Services } from "../services.js";

export const ONLINE_INDEX = "presence:online";
// A user's keys share a hash tag, so on a Redis Cluster they live on one shard (lib/cluster-kv.ts).
export const socketsKey = (userId: string) => `presence:{${userId}}`;
export const awayKey = (userId: string) => `presence-away:{${userId}}`;
export const statusKey = (userId: string) => `presence-status:{${userId}}`;

const STATUS_TTL_MS = 24 * 60 * 60 * 1000;

/** Each user's status read from its sets (lib/presence-status.ts), without storing it. */
export async function statusesOf(kv: Services["kv"], userIds: readonly string[]): Promise<PresenceStatus[]> {
  const sockets = await kv.liveMembersOf(userIds.map(socketsKey));
  const connected = userIds.filter((_, i) => (sockets[i] ?? []).length > 0);
  const away = await kv.liveMembersOf(connected.map(awayKey));
  const awayOf = new Map(connected.map((userId, i) => [userId, new Set(away[i])]));
  return userIds.map((userId, i) => statusFrom(sockets[i] ?? [], awayOf.get(userId) ?? new Set()));
}

/**
 * Removes the sockets that left (by user), settles each user's status and publishes the users whose status
 * differs from the last one announced; returns every user's status.
 */
export async function announceChanges(
  services: Services,
  userIds: Iterable<string>,
  left: ReadonlyMap<string, readonly string[]> = new Map(),
) {
  const { kv, sql, bus, logger } = services;
  const users = [...new Set([...userIds, ...left.keys()])];
  const statuses = new Map<string, PresenceStatus>();
  if (users.length === 0) return statuses;
  const settled = await kv.settleStatuses(
    users.map((userId) => ({
      sockets: socketsKey(userId),
      away: awayKey(userId),
      status: statusKey(userId),
      remove: left.get(userId) ?? [],
    })),
    STATUS_TTL_MS,
  );
  const changed: string[] = [];
  users.forEach((userId, i) => {
    const { status, previous } = settled[i] ?? { status: "offline", previous: "offline" };
    statuses.set(userId, status);
    if (previous !== status) changed.push(userId);
  });
  if (changed.length === 0) return statuses;

  const lastSeenAt = new Date().toISOString();
  const offline = changed.filter((userId) => statuses.get(userId) === "offline");
  const [channelsOf] = await Promise.all([
    channelsOfUsers(services, changed),
    offline.length > 0 &&
      sql
        .query(`UPDATE "User" SET "lastSeenAt" = $2::timestamp WHERE id = ANY($1::uuid[])`, [offline, lastSeenAt])
        .catch((err) => logger.warn({ err }, "presence last-seen update failed")),
  ]);
  // One pipeline for every change (a node's shutdown announces thousands of users at once).
  await bus.publishMany(
    changed.flatMap((userId) => {
      const status = statuses.get(userId) ?? "offline";
      return ephemeralMessages(channelsOf.get(userId) ?? [], {
        type: "presence",
        userId,
        status,
        lastSeenAt: status === "offline" ? lastSeenAt : null,
      });
    }),
  );
  return statuses;
}

async function channelsOfUsers(services: Services, userIds: string[]) {
  const { rows } = await services.sql.query<{ userId: string; channelId: string }>(
    `SELECT "userId", "channelId" FROM "ChannelMember" WHERE "userId" = ANY($1::uuid[])`,
    [userIds],
  );
  return groupBy(
    rows,
    (r) => r.userId,
    (r) => r.channelId,
  );
}
