// The in-process cache honours the same contract as the Redis one (minus the network).
import { describe, expect, it } from "vitest";
import { createMemoryCache } from "../../src/cache/memory.js";

describe("memory cache", () => {
  it("get/set/mget/del", async () => {
    const cache = createMemoryCache();
    expect(cache.kind).toBe("memory");
    expect(cache.redis).toBeNull();
    expect(await cache.set("a", "1", 10_000)).toBe(true);
    expect(await cache.get("a")).toBe("1");
    expect(await cache.get("missing")).toBeNull();
    expect(await cache.mget(["a", "missing"])).toEqual(["1", null]);
    expect(await cache.mget([])).toEqual([]);
    expect(await cache.del(["a", "never"])).toBe(true);
    expect(await cache.get("a")).toBeNull();
  });

  it("setMany honours onlyIfAbsent and skips non-positive TTLs", async () => {
    const cache = createMemoryCache();
    await cache.set("kept", "old", 10_000);
    expect(
      await cache.setMany([
        { key: "x", value: "1", ttlMs: 10_000 },
        { key: "kept", value: "new", ttlMs: 10_000, onlyIfAbsent: true },
        { key: "gone", value: "1", ttlMs: 0 },
      ]),
    ).toBe(true);
    expect(await cache.mget(["x", "kept", "gone"])).toEqual(["1", "old", null]);
  });

  it("expires entries after their TTL", async () => {
    const cache = createMemoryCache();
    // A TTL a busy machine cannot outrun between the write and the first read, still short enough to poll.
    await cache.set("short", "v", 1000);
    await cache.setMany([{ key: "short2", value: "v", ttlMs: 1000 }, { key: "long", value: "v", ttlMs: 60_000 }]);
    expect(await cache.mget(["short", "short2"])).toEqual(["v", "v"]);
    await expect.poll(() => cache.mget(["short", "short2"]), { timeout: 5000 }).toEqual([null, null]);
    expect(await cache.get("long")).toBe("v");
  });

  it("bounds the number of entries", async () => {
    const cache = createMemoryCache({ maxEntries: 3 });
    for (const k of ["a", "b", "c", "d"]) await cache.set(k, k, 10_000);
    expect(await cache.mget(["a", "b", "c", "d"])).toEqual([null, "b", "c", "d"]);
  });

  it("incr like Redis: from 0, keeps an existing TTL, refuses non-integers", async () => {
    const cache = createMemoryCache();
    expect(await cache.incr("n")).toBe(1);
    expect(await cache.incr("n")).toBe(2);
    expect(await cache.get("n")).toBe("2");
    await cache.set("t", "5", 1000);
    expect(await cache.incr("t")).toBe(6);
    await expect.poll(() => cache.get("t"), { timeout: 5000 }).toBeNull();
    await cache.set("s", "abc", 10_000);
    expect(await cache.incr("s")).toBeNull();
  });

  it("compareAndSet writes only over the expected value", async () => {
    const cache = createMemoryCache();
    expect(await cache.compareAndSet("k", null, "v1", 10_000)).toBe(true);
    expect(await cache.compareAndSet("k", null, "v2", 10_000)).toBe(false);
    expect(await cache.compareAndSet("k", "nope", "v2", 10_000)).toBe(false);
    expect(await cache.compareAndSet("k", "v1", "v2", 10_000)).toBe(true);
    expect(await cache.get("k")).toBe("v2");
  });

  it("status is always OK until closed", async () => {
    const cache = createMemoryCache();
    expect(cache.status()).toEqual({ status: "OK", breaker: "closed" });
    expect((await cache.ping()).ok).toBe(true);
    await cache.close();
    expect(cache.status().status).toBe("DOWN");
  });
});
