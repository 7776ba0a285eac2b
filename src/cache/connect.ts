// Entry point of the cache layer: Redis when REDIS_URL is set, else the in-process cache.
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
    prefix: config.CACHE_NAMESPACE ? `${KEY_PREFIX}${config.CACHE_NAMESPACE}:` : KEY_PREFIX,
    timeoutMs: config.CACHE_TIMEOUT_MS,
    breakerFailures: config.CACHE_BREAKER_FAILURES,
    breakerCooldownMs: config.CACHE_BREAKER_COOLDOWN_MS,
    ...(log ? { log } : {}),
  });
}
