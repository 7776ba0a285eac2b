// The Redis cache against a private redis-server: round trips, key prefixing, TTLs, and the
// failure modes (killed, restarted, hung, down at start) that must never fail or stall a read.
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRedisCache } from "../../src/cache/redis.js";
import type { RedisCacheOptions } from "../../src/cache/redis.js";
import type { Cache } from "../../src/cache/types.js";
import { sleep, startRedisServer, timed, waitFor } from "../helpers/redis-server.js";
import type { RedisServer } from "../helpers/redis-server.js";

const TIMEOUT_MS = 50;
const COOLDOWN_MS = 1000;
const OPTIONS: RedisCacheOptions = { timeoutMs: TIMEOUT_MS, breakerFailures: 3, breakerCooldownMs: COOLDOWN_MS };
// The acceptance bound for "returns within the time box".
const BOX_MS = TIMEOUT_MS + 30;

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
    expect(ping.latencyMs).toBeGreaterThanOrEqual(0);
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
    expect(ttl1).toBeGreaterThan(4000);
    expect(ttl1).toBeLessThanOrEqual(5000);
    expect(ttl2).toBeGreaterThan(59_000);
  });

  it("expires entries after their TTL", async () => {
    await cache.set("ttl:short", "v", 80);
    await cache.setMany([{ key: "ttl:many", value: "v", ttlMs: 80 }]);
    expect(await cache.get("ttl:short")).toBe("v");
    await sleep(150);
    expect(await cache.mget(["ttl:short", "ttl:many"])).toEqual([null, null]);
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

describe("redis cache: failures", () => {
  let server: RedisServer;
  let raw: Redis;
  let cache: Cache;
  const caches: Cache[] = [];
  const servers: RedisServer[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    servers.push(server);
    raw = rawClient(server);
    raw.on("error", () => undefined); // it reconnects across the restarts below
    cache = await createRedisCache(server.url, OPTIONS);
    caches.push(cache);
  });
  afterEach(async () => {
    // Every test leaves the server up and the cache recovered for the next one.
    if (server.pid === null) await server.start();
    await waitFor(() => cache.status().status === "OK", COOLDOWN_MS + 3000, "recovery");
  });
  afterAll(async () => {
    for (const c of caches) await c.close();
    raw?.disconnect();
    for (const s of servers) await s.dispose();
  });

  it("killed server: misses within the time box, DEGRADED within 1 s; restart: OK, hits resume", async () => {
    await cache.set("k", "v", 60_000);
    expect(await cache.get("k")).toBe("v");

    await server.stop();
    const killedAt = performance.now();
    // Status flips without any traffic (connection 'close' isolates the breaker).
    await waitFor(() => cache.status().status === "DEGRADED" && cache.status().breaker === "open", 1000, "DEGRADED, breaker open");
    expect(performance.now() - killedAt).toBeLessThan(1000);
    const status = cache.status();
    expect(status.breaker).toBe("open");
    expect(status.message).toMatch(/^Redis unreachable: .+; (retrying in \d+s|reconnecting)$/);

    for (let i = 0; i < 20; i++) {
      const get = await timed(() => cache.get("k"));
      expect(get.value).toBeNull();
      expect(get.ms).toBeLessThan(BOX_MS);
      const mget = await timed(() => cache.mget(["k", "k2"]));
      expect(mget.value).toEqual([null, null]);
      expect(mget.ms).toBeLessThan(BOX_MS);
    }
    expect((await timed(() => cache.set("k", "v2", 1000))).ms).toBeLessThan(BOX_MS);
    expect(await cache.incr("n")).toBeNull();
    const ping = await cache.ping();
    expect(ping.ok).toBe(false);
    expect(ping.message).toMatch(/Redis unreachable/);
    // Let the message show a refused connection rather than just "closed".
    await waitFor(() => /ECONNREFUSED/.test(cache.status().message ?? ""), 2000, "ECONNREFUSED in the message");

    await server.start();
    const restartedAt = performance.now();
    await waitFor(() => cache.status().status === "OK", COOLDOWN_MS + 1000, "OK after restart");
    expect(performance.now() - restartedAt).toBeLessThan(COOLDOWN_MS + 1000);
    expect(cache.status().breaker).toBe("closed");

    // The restarted server is empty (no persistence): a write then a hit.
    expect(await cache.get("k")).toBeNull();
    await cache.set("k", "v3", 60_000);
    expect(await cache.get("k")).toBe("v3");
  });

  it("hung server (DEBUG SLEEP): a read gives up within the time box", async () => {
    await cache.set("slow", "v", 60_000);
    const sleeper = rawClient(server);
    const sleeping = sleeper.call("DEBUG", "SLEEP", "0.5");
    await sleep(20); // let the sleep start
    const get = await timed(() => cache.get("slow"));
    expect(get.value).toBeNull();
    expect(get.ms).toBeLessThan(BOX_MS);
    await sleeping;
    sleeper.disconnect();
    // One timeout does not open the circuit (threshold 3) and the next read hits.
    expect(cache.status().breaker).toBe("closed");
    expect(await cache.get("slow")).toBe("v");
  });

  it("consecutive timeouts open the circuit; calls then short-circuit; a background probe closes it", async () => {
    const sleeper = rawClient(server);
    const sleeping = sleeper.call("DEBUG", "SLEEP", "0.6");
    await sleep(20);
    for (let i = 0; i < OPTIONS.breakerFailures; i++) expect(await cache.get("x")).toBeNull();
    expect(cache.status().breaker).toBe("open");
    expect(cache.status().status).toBe("DEGRADED");
    expect(cache.status().message).toMatch(/^Redis not responding: .+; retrying in \ds$/);
    // Open: no Redis round trip at all.
    const shortCircuited = await timed(() => cache.get("x"));
    expect(shortCircuited.value).toBeNull();
    expect(shortCircuited.ms).toBeLessThan(10);
    await sleeping;
    sleeper.disconnect();
    // Nobody calls the cache now: the background probe must close the circuit.
    await waitFor(() => cache.status().status === "OK", COOLDOWN_MS + 1000, "probe closes the circuit");
  });

  it("an unconfirmed del is remembered: masked on reads, replayed when Redis is back", async () => {
    await cache.set("revoked", "session", 60_000);
    const id = await cache.redis?.client("ID");
    await raw.client("KILL", "ID", String(id)); // drop our connection; the data stays
    await waitFor(() => cache.status().breaker === "open", 1000, "isolation");
    expect(await cache.del(["revoked"])).toBe(false);
    expect(await raw.get("auth:revoked")).toBe("session");
    await waitFor(() => cache.status().status === "OK", COOLDOWN_MS + 1000, "reconnect and replay");
    expect(await raw.exists("auth:revoked")).toBe(0);
    expect(await cache.get("revoked")).toBeNull();
  });

  it("unreachable at start: no throw, DEGRADED, recovers when Redis starts", async () => {
    const later = await startRedisServer();
    servers.push(later);
    await later.stop();
    const created = await timed(() => createRedisCache(later.url, OPTIONS));
    const down = created.value;
    caches.push(down);
    expect(created.ms).toBeLessThan(1500);
    expect(down.status().status).toBe("DEGRADED");
    expect(down.status().message).toMatch(/^Redis unreachable: connect ECONNREFUSED 127\.0\.0\.1:\d+; (retrying in \d+s|reconnecting)$/);
    const get = await timed(() => down.get("k"));
    expect(get.value).toBeNull();
    expect(get.ms).toBeLessThan(BOX_MS);
    expect(await down.del(["k"])).toBe(false);

    await later.start();
    await waitFor(() => down.status().status === "OK", COOLDOWN_MS + 1000, "recovery after a cold start");
    await down.set("k", "v", 60_000);
    expect(await down.get("k")).toBe("v");
  });
});
