// A user's presence from its two expiring sets (presence/announce.ts names the keys): online while any
// socket is live, away when every live socket said away, offline when none is left. The Redis kv runs the
// same rule inside Redis (SETTLE_STATUS_LUA), so settling a batch of users costs one command per user
// instead of four (a draining node settles 20,000 at once; BENCHMARKS.md §8). presence-status.test.ts
// holds the two to the same answers.

export type Status = "online" | "away" | "offline";

/** One user to settle: its keys, and the sockets that left (removed from both sets first). */
export interface StatusEntry {
  sockets: string;
  away: string;
  status: string;
  remove: readonly string[];
}

/** What settling found: the status now and the one stored before (offline when none was). */
export interface Settled {
  status: Status;
  previous: Status;
}

export function statusFrom(live: readonly string[], away: ReadonlySet<string>): Status {
  if (live.length === 0) return "offline";
  return live.every((id) => away.has(id)) ? "away" : "online";
}

/**
 * KEYS: sockets set, away set, status key. ARGV: now (ms), the status key's ttl (ms), then the sockets that
 * left. Members are scored by expiry (kv.touchMembers), so a live member scores above now. Stores the status
 * when it differs from the stored one; returns { status, previous }.
 */
export const SETTLE_STATUS_LUA = `
local now = tonumber(ARGV[1])
if #ARGV > 2 then
  redis.call('ZREM', KEYS[1], unpack(ARGV, 3))
  redis.call('ZREM', KEYS[2], unpack(ARGV, 3))
end
local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')
local status = 'offline'
if #live > 0 then
  status = 'away'
  for _, id in ipairs(live) do
    local said = redis.call('ZSCORE', KEYS[2], id)
    if not said or tonumber(said) <= now then
      status = 'online'
      break
    end
  end
end
local previous = redis.call('GET', KEYS[3]) or 'offline'
if previous ~= status then redis.call('SET', KEYS[3], status, 'PX', ARGV[2]) end
return { status, previous }
`;
