// Working out presence from Redis and telling co-members when it changed, for many users at once: a few
// pipelined Redis round trips, one UPDATE and one SELECT however many users (BENCHMARKS.md finding 8).
import { groupBy } from "../lib/group-by.js";
import { ephemeralMessages } from "../realtime/ephemeral.js";
import type { PresenceStatus } from "../realtime/protocol.js";
import type { Services } from "../services.js";

export const ONLINE_INDEX = "presence:online";
// A user's keys share a hash tag, so on a Redis Cluster they live on one shard (lib/cluster-kv.ts).
export const socketsKey = (userId: string) => `presence:{${userId}}`;
export const awayKey = (userId: string) => `presence-away:{${userId}}`;
export const statusKey = (userId: string) => `presence-status:{${userId}}`;

const STATUS_TTL_MS = 24 * 60 * 60 * 1000;

/** Online while any socket is live, away when every live socket said away, offline when none is left. */
export async function statusesOf(kv: Services["kv"], userIds: readonly string[]): Promise<PresenceStatus[]> {
  const sockets = await kv.liveMembersOf(userIds.map(socketsKey));
  const connected = userIds.filter((_, i) => (sockets[i] ?? []).length > 0);
  const away = await kv.liveMembersOf(connected.map(awayKey));
  const awayOf = new Map(connected.map((userId, i) => [userId, new Set(away[i])]));
  return userIds.map((userId, i) => {
    const live = sockets[i] ?? [];
    if (live.length === 0) return "offline";
    return live.every((id) => awayOf.get(userId)?.has(id)) ? "away" : "online";
  });
}

/** Publishes the users whose status differs from the last one announced; returns every user's status. */
export async function announceChanges(services: Services, userIds: Iterable<string>) {
  const { kv, sql, bus, logger } = services;
  const users = [...new Set(userIds)];
  const statuses = new Map<string, PresenceStatus>();
  if (users.length === 0) return statuses;
  const [now, previous] = await Promise.all([statusesOf(kv, users), kv.getMany(users.map(statusKey))]);
  const changed: string[] = [];
  users.forEach((userId, i) => {
    const status = now[i] ?? "offline";
    statuses.set(userId, status);
    if ((previous[i] ?? "offline") !== status) changed.push(userId);
  });
  if (changed.length === 0) return statuses;

  const lastSeenAt = new Date().toISOString();
  const offline = changed.filter((userId) => statuses.get(userId) === "offline");
  const [channelsOf] = await Promise.all([
    channelsOfUsers(services, changed),
    kv.setMany(
      changed.map((userId) => ({ key: statusKey(userId), value: statuses.get(userId) ?? "offline" })),
      STATUS_TTL_MS,
    ),
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
