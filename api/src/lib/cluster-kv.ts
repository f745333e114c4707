// The Kv over a Redis Cluster. Single-key commands (rate-limit windows, reservations, a presence set's
// MULTI) are RedisKv's: each touches one key, so one slot. The batches are not: a pipeline or an MGET
// may only name keys of one slot (one master), and presence batches name thousands of users. Here each
// batch is issued as single commands in one turn; ioredis' auto-pipelining sends each master its share
// in one write, so a batch still costs one round trip per master, not per key.
// Keys that must live together carry a hash tag (`{…}`): a user's presence keys (presence/announce.ts).
import type { Cluster } from "ioredis";
import {
  chunks,
  type KvMember,
  MEMBERS_PER_COMMAND,
  membersByKey,
  PIPELINE_COMMANDS,
  RedisKv,
  settling,
} from "./kv.js";
import type { Status, StatusEntry } from "./presence-status.js";

export class ClusterKv extends RedisKv {
  constructor(
    private readonly cluster: Cluster,
    prefix: string,
  ) {
    super(cluster, prefix);
  }

  override async touchMembers(entries: readonly KvMember[], ttlMs: number) {
    const expiresAt = Date.now() + ttlMs;
    await this.inTurns(membersByKey(entries), ([key, members]) => {
      const k = this.prefix + key;
      return [
        ...[...chunks(members, MEMBERS_PER_COMMAND)].map((chunk) =>
          this.cluster.zadd(k, ...chunk.flatMap((member) => [expiresAt, member])),
        ),
        this.cluster.pexpire(k, ttlMs * 2),
      ];
    });
  }

  override async removeMembers(entries: readonly KvMember[]) {
    await this.inTurns(membersByKey(entries), ([key, members]) =>
      [...chunks(members, MEMBERS_PER_COMMAND)].map((chunk) => this.cluster.zrem(this.prefix + key, ...chunk)),
    );
  }

  override async liveMembersOf(keys: readonly string[]) {
    const now = Date.now();
    return (await this.inTurns(keys, (key) => [
      this.cluster.zrangebyscore(this.prefix + key, `(${now}`, "+inf"),
    ])) as string[][];
  }

  override async getMany(keys: readonly string[]) {
    return (await this.inTurns(keys, (key) => [this.cluster.get(this.prefix + key)])) as (string | null)[];
  }

  override async setMany(entries: readonly { key: string; value: string }[], ttlMs: number) {
    await this.inTurns(entries, ({ key, value }) => [this.cluster.set(this.prefix + key, value, "PX", ttlMs)]);
  }

  override async settleStatuses(entries: readonly StatusEntry[], statusTtlMs: number) {
    const now = Date.now();
    const settle = settling(this.cluster);
    const replies = await this.inTurns(entries, (entry) => [settle(...this.settleArgs(entry, now, statusTtlMs))]);
    return (replies as [Status, Status][]).map(([status, previous]) => ({ status, previous }));
  }

  /** Issues each item's commands, about PIPELINE_COMMANDS per turn; every reply in order. */
  private async inTurns<T>(items: Iterable<T>, issue: (item: T) => Promise<unknown>[]) {
    const replies: unknown[] = [];
    let turn: Promise<unknown>[] = [];
    for (const item of items) {
      turn.push(...issue(item));
      if (turn.length >= PIPELINE_COMMANDS) {
        replies.push(...(await Promise.all(turn)));
        turn = [];
      }
    }
    replies.push(...(await Promise.all(turn)));
    return replies;
  }
}
