// In-process cache for the single-instance embedded mode (no REDIS_URL). Same contract as Redis.
import { LRUCache } from "lru-cache";
import type { Cache, CacheEntry, CacheStatus, PingResult } from "./types.js";

export interface MemoryCacheOptions {
  /** Bound on entries; least recently used entries are evicted beyond it. */
  maxEntries?: number;
}

const INTEGER = /^-?\d+$/;

export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const store = new LRUCache<string, string>({ max: options.maxEntries ?? 50_000 });
  let closed = false;

  const write = (key: string, value: string, ttlMs: number): void => {
    if (ttlMs > 0) store.set(key, value, { ttl: Math.max(1, Math.round(ttlMs)) });
  };

  const cache: Cache = {
    kind: "memory",
    redis: null,

    async get(key) {
      return store.get(key) ?? null;
    },

    async mget(keyList) {
      return keyList.map((k) => store.get(k) ?? null);
    },

    async set(key, value, ttlMs) {
      write(key, value, ttlMs);
      return true;
    },

    async setMany(entries: readonly CacheEntry[]) {
      for (const e of entries) {
        if (e.onlyIfAbsent && store.has(e.key)) continue;
        write(e.key, e.value, e.ttlMs);
      }
      return true;
    },

    async compareAndSet(key, expected, value, ttlMs) {
      if (ttlMs <= 0 || (store.get(key) ?? null) !== expected) return false;
      write(key, value, ttlMs);
      return true;
    },

    async del(keyList) {
      for (const k of keyList) store.delete(k);
      return true;
    },

    async incr(key) {
      const current = store.get(key);
      // Redis refuses INCR on a non-integer value; mirror that rather than silently resetting.
      if (current !== undefined && !INTEGER.test(current)) return null;
      const next = (current === undefined ? 0 : Number.parseInt(current, 10)) + 1;
      store.set(key, String(next), { noUpdateTTL: true });
      return next;
    },

    status(): CacheStatus {
      return closed ? { status: "DOWN", message: "cache closed", breaker: "closed" } : { status: "OK", breaker: "closed" };
    },

    async ping(): Promise<PingResult> {
      return closed ? { ok: false, latencyMs: 0, message: "cache closed" } : { ok: true, latencyMs: 0 };
    },

    async close() {
      closed = true;
      store.clear();
    },
  };
  return cache;
}
