// Entry point of the cache layer: Redis when REDIS_URL is set, else the in-process cache.
import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";
import type { Config } from "../config.js";
import { KEY_PREFIX } from "./keys.js";
import { createMemoryCache } from "./memory.js";
import { createRedisCache } from "./redis.js";
import type { Cache, CacheLogger } from "./types.js";

export type CacheConfig = Pick<
  Config,
  "REDIS_URL" | "CACHE_NAMESPACE" | "CACHE_TIMEOUT_MS" | "CACHE_BREAKER_FAILURES" | "CACHE_BREAKER_COOLDOWN_MS"
>;

/** Never throws for an unreachable Redis: it returns a DEGRADED cache that recovers on its own. */
export async function createCache(config: CacheConfig, log?: CacheLogger): Promise<Cache> {
  if (!config.REDIS_URL) return createMemoryCache();
  return createRedisCache(config.REDIS_URL, {
    // Sub-namespace for several deployments (or parallel test files) sharing one Redis.
    prefix: cachePrefix(config),
    timeoutMs: config.CACHE_TIMEOUT_MS,
    breakerFailures: config.CACHE_BREAKER_FAILURES,
    breakerCooldownMs: config.CACHE_BREAKER_COOLDOWN_MS,
    ...(log ? { log } : {}),
  });
}

/** `auth:` or `auth:<CACHE_NAMESPACE>:`: the namespace of every key and pub/sub channel. */
export function cachePrefix(config: Pick<Config, "CACHE_NAMESPACE">): string {
  return config.CACHE_NAMESPACE ? `${KEY_PREFIX}${config.CACHE_NAMESPACE}:` : KEY_PREFIX;
}

/**
 * A further connection to the cache's Redis (pub/sub needs its own), or null without REDIS_URL.
 * Built from the same settings as the cache connection; no key prefix (channels are named in full).
 */
export function createRedisConnection(config: Pick<Config, "REDIS_URL">, options: RedisOptions): Redis | null {
  return config.REDIS_URL ? new Redis(config.REDIS_URL, options) : null;
}
