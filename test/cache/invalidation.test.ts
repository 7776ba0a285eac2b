// invalidate / canTrustCache: what the domain code relies on after a write.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOMBSTONE, TOMBSTONE_TTL_MS, canTrustCache, invalidate } from "../../src/cache/invalidation.js";
import { createMemoryCache } from "../../src/cache/memory.js";
import { createRedisCache } from "../../src/cache/redis.js";
import type { Cache } from "../../src/cache/types.js";
import { startRedisServer } from "../helpers/redis-server.js";
import type { RedisServer } from "../helpers/redis-server.js";

const OPTIONS = { timeoutMs: 50, breakerFailures: 3, breakerCooldownMs: 1000 };
// Waiting on reconnects and cool-downs: a bound for a loaded machine, not a spec.
const RECOVERY = { timeout: 15_000, interval: 20 };

describe("invalidation on the memory cache", () => {
  it("deletes keys and tombstones others", async () => {
    const cache = createMemoryCache();
    await cache.set("user:1", "{}", 60_000);
    await cache.set("session:1", "{}", 60_000);
    expect(await invalidate({ cache }, { keys: ["user:1"], tombstones: ["session:1"] })).toBe(true);
    expect(await cache.get("user:1")).toBeNull();
    expect(await cache.get("session:1")).toBe(TOMBSTONE);
    // A reader that saw the old value (or nothing) cannot write it back over the tombstone.
    expect(await cache.compareAndSet("session:1", null, "{}", 60_000)).toBe(false);
    expect(await cache.compareAndSet("session:1", "{}", "{}", 60_000)).toBe(false);
    expect(await invalidate({ cache }, {})).toBe(true);
    expect(canTrustCache({ cache })).toBe(true);
  });
});

describe("invalidation on the redis cache", () => {
  let server: RedisServer;
  let raw: Redis;
  let cache: Cache;

  beforeAll(async () => {
    server = await startRedisServer();
    raw = new Redis(server.url);
    raw.on("error", () => undefined);
    cache = await createRedisCache(server.url, OPTIONS);
  });
  afterAll(async () => {
    await cache?.close();
    raw?.disconnect();
    await server?.dispose();
  });

  it("writes tombstones with a TTL under auth:", async () => {
    await cache.set("session:a", "{}", 60_000);
    expect(await invalidate({ cache }, { tombstones: ["session:a"] })).toBe(true);
    expect(await raw.get("auth:session:a")).toBe(TOMBSTONE);
    // The tombstone's own TTL, not the entry's 60 s.
    const ttl = await raw.pttl("auth:session:a");
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(TOMBSTONE_TTL_MS);
  });

  it("unconfirmed while Redis is down: reported, untrusted, logged, replayed", async () => {
    const warnings: string[] = [];
    const log = { info: () => undefined, error: () => undefined, warn: (_: object, msg: string) => void warnings.push(msg) };
    await cache.set("session:b", "{}", 60_000);
    expect(canTrustCache({ cache })).toBe(true);

    await server.stop();
    await expect.poll(() => canTrustCache({ cache }), RECOVERY).toBe(false);
    expect(await invalidate({ cache, log }, { keys: ["user:b"], tombstones: ["session:b"] })).toBe(false);
    expect(warnings).toHaveLength(1);

    await server.start(); // empty again, but the replay must still go through and clear the flag
    await expect.poll(() => canTrustCache({ cache }), RECOVERY).toBe(true);
  });
});
