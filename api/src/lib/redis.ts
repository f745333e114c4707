import { Redis } from "ioredis";

export function createRedis(url: string, name: string): Redis {
  // maxRetriesPerRequest null: commands wait for a reconnect instead of failing during a blip.
  return new Redis(url, { connectionName: name, maxRetriesPerRequest: null, lazyConnect: false });
}
