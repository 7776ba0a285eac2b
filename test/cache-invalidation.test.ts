// invalidate / canTrustCache / onInvalidation: what the domain code relies on after a write.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOMBSTONE, TOMBSTONE_TTL_MS, canTrustCache, invalidate, onInvalidation } from "../src/cache/invalidation.js";
import { channels, keys } from "../src/cache/keys.js";
import { createMemoryCache } from "../src/cache/memory.js";
import { createRedisCache } from "../src/cache/redis.js";
import type { Cache } from "../src/cache/types.js";
import { startRedisServer, waitFor } from "./helpers/redis-server.js";
import type { RedisServer } from "./helpers/redis-server.js";

const OPTIONS = { timeoutMs: 50, breakerFailures: 3, breakerCooldownMs: 1000 };

describe("key layout", () => {
  it("builds keys without the namespace", () => {
    expect(keys.session("s1")).toBe("session:s1");
    expect(keys.user("u1")).toBe("user:u1");
    expect(keys.perms("u1")).toBe("perms:u1");
    expect(keys.perms("u1", 7)).toBe("perms:u1:7");
    expect(keys.permsEpoch()).not.toMatch(/^perms:/);
    expect(channels.invalidate).toBe("invalidate");
  });
});

describe("invalidation on the memory cache", () => {
  it("deletes keys, tombstones others, and broadcasts all of them", async () => {
    const cache = createMemoryCache();
    const seen: string[][] = [];
    await onInvalidation(cache, (k) => seen.push(k), () => undefined);
    await cache.set("user:1", "{}", 60_000);
    await cache.set("session:1", "{}", 60_000);
    expect(await invalidate({ cache }, { keys: ["user:1"], tombstones: ["session:1"] })).toBe(true);
    expect(await cache.get("user:1")).toBeNull();
    expect(await cache.get("session:1")).toBe(TOMBSTONE);
    await waitFor(() => seen.length === 1, 500, "broadcast");
    expect(seen).toEqual([["user:1", "session:1"]]);
    // A reader that saw the old value (or nothing) cannot write it back over the tombstone.
    expect(await cache.compareAndSet("session:1", null, "{}", 60_000)).toBe(false);
    expect(await cache.compareAndSet("session:1", "{}", "{}", 60_000)).toBe(false);
    expect(await invalidate({ cache }, {})).toBe(true);
    expect(canTrustCache({ cache })).toBe(true);
  });

  it("ignores stray messages on the channel", async () => {
    const cache = createMemoryCache();
    const seen: string[][] = [];
    await onInvalidation(cache, (k) => seen.push(k), () => undefined);
    await cache.publish(channels.invalidate, "not json");
    await cache.publish(channels.invalidate, JSON.stringify({ nope: 1 }));
    await cache.publish(channels.invalidate, JSON.stringify({ keys: ["a", 1] }));
    await waitFor(() => seen.length === 1, 500, "the valid message");
    expect(seen).toEqual([["a"]]);
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
    const ttl = await raw.pttl("auth:session:a");
    expect(ttl).toBeGreaterThan(TOMBSTONE_TTL_MS - 5000);
    expect(ttl).toBeLessThanOrEqual(TOMBSTONE_TTL_MS);
  });

  it("unconfirmed while Redis is down: reported, untrusted, logged, replayed; L1s are told to resync", async () => {
    const warnings: string[] = [];
    const log = { info: () => undefined, error: () => undefined, warn: (_: object, msg: string) => void warnings.push(msg) };
    let resyncs = 0;
    await onInvalidation(cache, () => undefined, () => resyncs++);
    await cache.set("session:b", "{}", 60_000);
    expect(canTrustCache({ cache })).toBe(true);

    await server.stop();
    await waitFor(() => !canTrustCache({ cache }), 1000, "untrusted");
    expect(await invalidate({ cache, log }, { keys: ["user:b"], tombstones: ["session:b"] })).toBe(false);
    expect(warnings).toHaveLength(1);

    await server.start(); // empty again, but the replay must still go through and clear the flag
    await waitFor(() => canTrustCache({ cache }), 3000, "trusted again");
    await waitFor(() => resyncs === 1, 1000, "resync after the pub/sub outage");
  });
});
