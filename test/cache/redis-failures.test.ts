// The Redis cache when Redis fails: killed, restarted, not answering, down at start. A read is then a
// miss (never an error, never a wait for the server), and the cache comes back on its own.
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createRedisCache } from "../../src/cache/redis.js";
import type { RedisCacheOptions } from "../../src/cache/redis.js";
import type { Cache } from "../../src/cache/types.js";
import { startRedisServer } from "../helpers/redis-server.js";
import type { RedisServer } from "../helpers/redis-server.js";

// A 100 ms time box keeps ioredis' socket timeout (20 time boxes) above the 1.5 s pauses below.
const OPTIONS: RedisCacheOptions = { timeoutMs: 100, breakerFailures: 3, breakerCooldownMs: 1000 };
const PAUSE_MS = 1500;
// Recovery waits on reconnect backoff and the breaker cool-down: a bound for a loaded machine, not a spec.
const RECOVERY = { timeout: 15_000, interval: 20 };

/** A plain client (no prefix, no time box) to look at what the cache really wrote. */
const rawClient = (server: RedisServer): Redis => new Redis(server.url, { maxRetriesPerRequest: null });

let server: RedisServer;
let raw: Redis;
let prober: Redis;
let cache: Cache;
const caches: Cache[] = [];
const servers: RedisServer[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  servers.push(server);
  raw = rawClient(server);
  prober = rawClient(server);
  // They reconnect across the restarts below.
  raw.on("error", () => undefined);
  prober.on("error", () => undefined);
  cache = await createRedisCache(server.url, OPTIONS);
  caches.push(cache);
});
afterEach(async () => {
  // Every test leaves the server up and the cache recovered for the next one.
  if (server.pid === null) await server.start();
  await expect.poll(() => cache.status().status, RECOVERY).toBe("OK");
});
afterAll(async () => {
  for (const c of caches) await c.close();
  raw?.disconnect();
  prober?.disconnect();
  for (const s of servers) await s.dispose();
});

/**
 * Stops the server answering anyone for PAUSE_MS (CLIENT PAUSE ALL: its reply means the pause is on).
 * `answering()` turns true once a PING sent during the pause is answered, i.e. once the pause is over.
 */
async function pauseServer(): Promise<{ answering: () => boolean; over: Promise<void> }> {
  await prober.ping();
  await raw.call("CLIENT", "PAUSE", String(PAUSE_MS), "ALL");
  let answered = false;
  const over = prober.ping().then(() => {
    answered = true;
  });
  return { answering: () => answered, over };
}

/** Runs `fn` and reports whether it sent a GET to Redis. */
async function sendsGet<T>(c: Cache, fn: () => Promise<T>): Promise<{ value: T; sent: boolean }> {
  const client = c.redis;
  if (!client) throw new Error("not a Redis cache");
  const get = vi.spyOn(client, "get");
  try {
    const value = await fn();
    return { value, sent: get.mock.calls.length > 0 };
  } finally {
    get.mockRestore();
  }
}

describe("redis cache: failures", () => {
  it("killed server: DEGRADED without traffic, reads miss without a round trip; restart: OK, hits resume", async () => {
    await cache.set("k", "v", 60_000);
    expect(await cache.get("k")).toBe("v");

    await server.stop();
    // Status flips without any traffic (connection 'close' isolates the breaker).
    await expect.poll(() => cache.status(), RECOVERY).toMatchObject({ status: "DEGRADED", breaker: "open" });
    expect(cache.status().message).toMatch(/^Redis unreachable: .+; (retrying in \d+s|reconnecting)$/);

    for (let i = 0; i < 20; i++) {
      expect(await sendsGet(cache, () => cache.get("k"))).toEqual({ value: null, sent: false });
      expect(await cache.mget(["k", "k2"])).toEqual([null, null]);
    }
    expect(await cache.set("k", "v2", 1000)).toBe(false);
    expect(await cache.incr("n")).toBeNull();
    const ping = await cache.ping();
    expect(ping.ok).toBe(false);
    expect(ping.message).toMatch(/Redis unreachable/);
    // The message names the refused connection rather than just "closed".
    await expect.poll(() => cache.status().message ?? "", RECOVERY).toMatch(/ECONNREFUSED/);

    await server.start();
    await expect.poll(() => cache.status(), RECOVERY).toMatchObject({ status: "OK", breaker: "closed" });
    // The restarted server is empty (no persistence): a write then a hit.
    expect(await cache.get("k")).toBeNull();
    await cache.set("k", "v3", 60_000);
    expect(await cache.get("k")).toBe("v3");
  });

  it("a server that stops answering: the read gives up with a miss while the server is still paused", async () => {
    await cache.set("slow", "v", 60_000);
    const pause = await pauseServer();
    expect(await cache.get("slow")).toBeNull();
    expect(pause.answering()).toBe(false);
    await pause.over;
    // One timeout does not open the circuit (threshold 3) and the next read hits.
    expect(cache.status().breaker).toBe("closed");
    expect(await cache.get("slow")).toBe("v");
  });

  it("consecutive timeouts open the circuit; calls then short-circuit; a background probe closes it", async () => {
    const pause = await pauseServer();
    for (let i = 0; i < OPTIONS.breakerFailures; i++) expect(await cache.get("x")).toBeNull();
    expect(cache.status().breaker).toBe("open");
    expect(cache.status().status).toBe("DEGRADED");
    expect(cache.status().message).toMatch(/^Redis not responding: .+; retrying in \ds$/);
    // Open: no Redis round trip at all.
    expect(await sendsGet(cache, () => cache.get("x"))).toEqual({ value: null, sent: false });
    expect(pause.answering()).toBe(false);
    await pause.over;
    // Nobody calls the cache now: the background probe must close the circuit.
    await expect.poll(() => cache.status().status, RECOVERY).toBe("OK");
  });

  it("an unconfirmed del is remembered: masked on reads, replayed when Redis is back", async () => {
    await cache.set("revoked", "session", 60_000);
    const id = await cache.redis?.client("ID");
    await raw.client("KILL", "ID", String(id)); // drop our connection; the data stays
    await expect.poll(() => cache.status().breaker, RECOVERY).toBe("open");
    expect(await cache.del(["revoked"])).toBe(false);
    expect(await raw.get("auth:revoked")).toBe("session");
    await expect.poll(() => cache.status().status, RECOVERY).toBe("OK");
    expect(await raw.exists("auth:revoked")).toBe(0);
    expect(await cache.get("revoked")).toBeNull();
  });

  it("unreachable at start: no throw, DEGRADED, reads miss without a round trip, recovers when Redis starts", async () => {
    const later = await startRedisServer();
    servers.push(later);
    await later.stop();
    const down = await createRedisCache(later.url, OPTIONS);
    caches.push(down);
    expect(down.status().status).toBe("DEGRADED");
    expect(down.status().message).toMatch(/^Redis unreachable: connect ECONNREFUSED 127\.0\.0\.1:\d+; (retrying in \d+s|reconnecting)$/);
    expect(await sendsGet(down, () => down.get("k"))).toEqual({ value: null, sent: false });
    expect(await down.del(["k"])).toBe(false);

    await later.start();
    await expect.poll(() => down.status().status, RECOVERY).toBe("OK");
    await down.set("k", "v", 60_000);
    expect(await down.get("k")).toBe("v");
  });
});
