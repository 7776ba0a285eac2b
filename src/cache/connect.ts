// Entry point of the cache layer: Redis (one server, a Cluster or Sentinels) when configured, else
// the in-process cache. createRedisClient is the one way to open another connection to the same
// Redis (pub/sub), with the same topology, TLS and credentials.
import type { RedisOptions } from "ioredis";
import type { Config } from "../config.js";
import { KEY_PREFIX } from "./keys.js";
import { createMemoryCache } from "./memory.js";
import { openRedisClient, redisTarget } from "./redis-client.js";
import type { RedisClient, RedisTargetConfig } from "./redis-client.js";
import { createRedisCache } from "./redis.js";
import type { Cache, CacheLogger } from "./types.js";

export type CacheConfig = RedisTargetConfig &
  Pick<Config, "CACHE_NAMESPACE" | "CACHE_TIMEOUT_MS" | "CACHE_BREAKER_FAILURES" | "CACHE_BREAKER_COOLDOWN_MS">;

/** Namespace of every key and channel: `auth:` or `auth:<CACHE_NAMESPACE>:`. */
export function cachePrefix(config: Pick<Config, "CACHE_NAMESPACE">): string {
  // Sub-namespace for several deployments (or parallel test files) sharing one Redis.
  return config.CACHE_NAMESPACE ? `${KEY_PREFIX}${config.CACHE_NAMESPACE}:` : KEY_PREFIX;
}

/** Never throws for an unreachable Redis: it returns a DEGRADED cache that recovers on its own. */
export async function createCache(config: CacheConfig, log?: CacheLogger): Promise<Cache> {
  const target = redisTarget(config);
  if (!target) return createMemoryCache();
  return createRedisCache(target, {
    prefix: cachePrefix(config),
    timeoutMs: config.CACHE_TIMEOUT_MS,
    breakerFailures: config.CACHE_BREAKER_FAILURES,
    breakerCooldownMs: config.CACHE_BREAKER_COOLDOWN_MS,
    ...(log ? { log } : {}),
  });
}

/** A client of the configured Redis (null when none is): same engine, TLS and ACL as the cache. */
export function createRedisClient(config: RedisTargetConfig, options: RedisOptions = {}): RedisClient | null {
  const target = redisTarget(config);
  return target ? openRedisClient(target, options) : null;
}
