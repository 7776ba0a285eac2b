// The Redis cache against a private redis-server: round trips, key prefixing and TTLs.
// (Failure modes: redis-failures.test.ts.)
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisCache } from "../../src/cache/redis.js";
import type { RedisCacheOptions } from "../../src/cache/redis.js";
import type { Cache } from "../../src/cache/types.js";
import { startRedisServer } from "../helpers/redis-server.js";
import type { RedisServer } from "../helpers/redis-server.js";

const OPTIONS: RedisCacheOptions = { timeoutMs: 200, breakerFailures: 3, breakerCooldownMs: 1000 };

/** A plain client (no prefix, no time box) to look at what the cache really wrote. */
const rawClient = (server: RedisServer): Redis => new Redis(server.url, { maxRetriesPerRequest: null });

describe("redis cache: round trips", () => {
  let server: RedisServer;
  let raw: Redis;
  let cache: Cache;

  beforeAll(async () => {
    server = await startRedisServer();
    raw = rawClient(server);
    cache = await createRedisCache(server.url, OPTIONS);
  });
  afterAll(async () => {
    await cache?.close();
    raw?.disconnect();
    await server?.dispose();
  });

  it("starts OK and exposes the raw client", async () => {
    expect(cache.kind).toBe("redis");
    expect(cache.status()).toEqual({ status: "OK", breaker: "closed" });
    expect(cache.redis).toBeInstanceOf(Redis);
    const ping = await cache.ping();
    expect(ping.ok).toBe(true);
    expect(ping.latencyMs).toEqual(expect.any(Number));
  });

  it("prefixes every key with auth:", async () => {
    await cache.set("t:a", "1", 10_000);
    expect(await raw.get("auth:t:a")).toBe("1");
    expect(await raw.exists("t:a")).toBe(0);
    expect(await cache.get("t:a")).toBe("1");
    await raw.set("t:unprefixed", "x");
    expect(await cache.get("t:unprefixed")).toBeNull();
  });

  it("mget reads many keys in order, nulls for misses", async () => {
    await cache.set("m:1", "one", 10_000);
    await cache.set("m:3", "three", 10_000);
    expect(await cache.mget(["m:1", "m:2", "m:3"])).toEqual(["one", null, "three"]);
    expect(await cache.mget([])).toEqual([]);
  });

  it("setMany writes with PX and honours onlyIfAbsent (NX)", async () => {
    await cache.set("s:kept", "old", 10_000);
    const ok = await cache.setMany([
      { key: "s:1", value: "a", ttlMs: 5000 },
      { key: "s:2", value: "b", ttlMs: 60_000 },
      { key: "s:kept", value: "new", ttlMs: 5000, onlyIfAbsent: true },
      { key: "s:expired", value: "x", ttlMs: 0 },
    ]);
    expect(ok).toBe(true);
    expect(await raw.mget("auth:s:1", "auth:s:2", "auth:s:kept", "auth:s:expired")).toEqual(["a", "b", "old", null]);
    const ttl1 = await raw.pttl("auth:s:1");
    const ttl2 = await raw.pttl("auth:s:2");
    // Each entry with its own TTL.
    expect(ttl1).toBeGreaterThan(0);
    expect(ttl1).toBeLessThanOrEqual(5000);
    expect(ttl2).toBeGreaterThan(5000);
    expect(ttl2).toBeLessThanOrEqual(60_000);
  });

  it("expires entries after their TTL", async () => {
    // A TTL a busy machine cannot outrun between the write and the first read, still short enough to poll.
    await cache.set("ttl:short", "v", 1000);
    await cache.setMany([{ key: "ttl:many", value: "v", ttlMs: 1000 }]);
    expect(await cache.mget(["ttl:short", "ttl:many"])).toEqual(["v", "v"]);
    await expect.poll(() => cache.mget(["ttl:short", "ttl:many"]), { timeout: 5000 }).toEqual([null, null]);
  });

  it("del removes keys and confirms", async () => {
    await cache.setMany([
      { key: "d:1", value: "1", ttlMs: 10_000 },
      { key: "d:2", value: "2", ttlMs: 10_000 },
    ]);
    expect(await cache.del(["d:1", "d:2", "d:never"])).toBe(true);
    expect(await raw.exists("auth:d:1", "auth:d:2")).toBe(0);
    expect(await cache.del([])).toBe(true);
  });

  it("incr counts", async () => {
    expect(await cache.incr("n:plain")).toBe(1);
    expect(await cache.incr("n:plain")).toBe(2);
    expect(await raw.get("auth:n:plain")).toBe("2");
    expect(await raw.pttl("auth:n:plain")).toBe(-1);
  });

  it("compareAndSet writes only over the expected value", async () => {
    expect(await cache.compareAndSet("cas:k", null, "v1", 10_000)).toBe(true);
    expect(await raw.get("auth:cas:k")).toBe("v1");
    expect(await cache.compareAndSet("cas:k", null, "v2", 10_000)).toBe(false);
    expect(await cache.compareAndSet("cas:k", "other", "v2", 10_000)).toBe(false);
    expect(await cache.compareAndSet("cas:k", "v1", "v2", 5000)).toBe(true);
    expect(await raw.get("auth:cas:k")).toBe("v2");
    expect(await raw.pttl("auth:cas:k")).toBeLessThanOrEqual(5000);
  });
});
