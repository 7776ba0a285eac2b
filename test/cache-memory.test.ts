// The in-process cache honours the same contract as the Redis one (minus the network).
import { describe, expect, it } from "vitest";
import { createMemoryCache } from "../src/cache/memory.js";
import { globToRegExp } from "../src/cache/glob.js";
import { sleep, waitFor } from "./helpers/redis-server.js";

const collect = async (it: AsyncIterable<string>): Promise<string[]> => {
  const out: string[] = [];
  for await (const k of it) out.push(k);
  return out.sort();
};

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
    await cache.set("short", "v", 30);
    await cache.setMany([{ key: "short2", value: "v", ttlMs: 30 }]);
    expect(await cache.get("short")).toBe("v");
    await sleep(60);
    expect(await cache.mget(["short", "short2"])).toEqual([null, null]);
    expect(await collect(cache.scan("short*"))).toEqual([]);
  });

  it("bounds the number of entries", async () => {
    const cache = createMemoryCache({ maxEntries: 3 });
    for (const k of ["a", "b", "c", "d"]) await cache.set(k, k, 10_000);
    expect(await cache.mget(["a", "b", "c", "d"])).toEqual([null, "b", "c", "d"]);
  });

  it("incr like Redis: from 0, optional TTL, keeps an existing TTL, refuses non-integers", async () => {
    const cache = createMemoryCache();
    expect(await cache.incr("n")).toBe(1);
    expect(await cache.incr("n")).toBe(2);
    expect(await cache.get("n")).toBe("2");
    expect(await cache.incr("t", 40)).toBe(1);
    expect(await cache.incr("t")).toBe(2); // no TTL given: the 40 ms still applies
    await sleep(70);
    expect(await cache.get("t")).toBeNull();
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

  it("scan matches Redis globs", async () => {
    const cache = createMemoryCache();
    const all = ["session:1", "session:2", "session:10", "user:1", "perms:u1:3", "a*b", "a.b", "axb"];
    for (const k of all) await cache.set(k, "x", 10_000);
    expect(await collect(cache.scan("session:*"))).toEqual(["session:1", "session:10", "session:2"]);
    expect(await collect(cache.scan("session:?"))).toEqual(["session:1", "session:2"]);
    expect(await collect(cache.scan("session:[12]"))).toEqual(["session:1", "session:2"]);
    expect(await collect(cache.scan("session:[^1]"))).toEqual(["session:2"]);
    expect(await collect(cache.scan("*:1"))).toEqual(["session:1", "user:1"]);
    expect(await collect(cache.scan("a\\*b"))).toEqual(["a*b"]);
    expect(await collect(cache.scan("a.b"))).toEqual(["a.b"]); // "." is literal, not a regex wildcard
    expect(await collect(cache.scan("*"))).toHaveLength(all.length);
    // Deleting while scanning is safe.
    for await (const k of cache.scan("session:*")) await cache.del([k]);
    expect(await collect(cache.scan("session:*"))).toEqual([]);
  });

  it("glob ranges and escapes", () => {
    expect(globToRegExp("h[a-c]llo").test("hbllo")).toBe(true);
    expect(globToRegExp("h[a-c]llo").test("hdllo")).toBe(false);
    expect(globToRegExp("h\\?llo").test("h?llo")).toBe(true);
    expect(globToRegExp("h\\?llo").test("hallo")).toBe(false);
    expect(globToRegExp("(x)+").test("(x)+")).toBe(true);
  });

  it("pub/sub within the process, asynchronously, isolating a throwing subscriber", async () => {
    const cache = createMemoryCache();
    const got: string[] = [];
    await cache.subscribe("chan", () => {
      throw new Error("broken subscriber");
    });
    const unsubscribe = await cache.subscribe("chan", (m) => got.push(m));
    await cache.publish("chan", "one");
    expect(got).toEqual([]); // delivered after the publisher continues, like Redis
    await waitFor(() => got.length === 1, 500, "delivery");
    await unsubscribe();
    await cache.publish("chan", "two");
    await sleep(10);
    expect(got).toEqual(["one"]);
  });

  it("status is always OK until closed", async () => {
    const cache = createMemoryCache();
    expect(cache.status()).toEqual({ status: "OK", breaker: "closed" });
    expect((await cache.ping()).ok).toBe(true);
    await cache.close();
    expect(cache.status().status).toBe("DOWN");
  });
});
