// Shared by the test/cache-app-*.test.ts files: a gateway instance on a private redis-server, a raw
// connection to that server (for planting values and MONITOR), and a spy on the instance's cache.
import { Redis } from "ioredis";
import type { Cache } from "../../src/cache/types.js";
import { createTestInstance } from "./instance.js";
import type { Env, TestInstance } from "./instance.js";
import { startRedisServer } from "./redis-server.js";
import type { RedisServer } from "./redis-server.js";

export interface CacheAppRig {
  server: RedisServer;
  t: TestInstance;
  /** A plain connection to the private server (no key prefix): for planting, reading and MONITOR. */
  raw: Redis;
  /** The instance's full key prefix, e.g. `auth:t1a2b3c4d:`. */
  prefix: string;
  close(): Promise<void>;
}

export async function startCacheApp(env: Env = {}): Promise<CacheAppRig> {
  const server = await startRedisServer();
  const t = await createTestInstance({ env: { REDIS_URL: server.url, ...env } });
  const raw = new Redis(server.url, { maxRetriesPerRequest: 1 });
  // Fault tests kill the server under this connection too; its errors are expected noise.
  raw.on("error", () => undefined);
  const prefix = t.app.cache.redis?.options.keyPrefix;
  if (!prefix) throw new Error("the instance is not on Redis");
  return {
    server,
    t,
    raw,
    prefix,
    async close() {
      await t.close();
      raw.disconnect();
      await server.dispose();
    },
  };
}

export interface CacheCalls {
  /** Keys per mget() call, in call order: one entry per MGET round trip. */
  mget: number[];
  get: number;
  /** Entries per setMany() call: one entry per write-back pipeline. */
  setMany: number[];
  compareAndSet: number;
  del: number;
  incr: number;
}

const noCalls = (): CacheCalls => ({ mget: [], get: 0, setMany: [], compareAndSet: 0, del: 0, incr: 0 });

/** Counts calls on the instance's Cache object (what the loaders and the session store call). */
export function spyOnCache(cache: Cache): { calls: () => CacheCalls; reset(): void; restore(): void } {
  let calls = noCalls();
  const original = { mget: cache.mget, get: cache.get, setMany: cache.setMany, compareAndSet: cache.compareAndSet, del: cache.del, incr: cache.incr };
  cache.mget = (keys) => {
    calls.mget.push(keys.length);
    return original.mget(keys);
  };
  cache.get = (key) => {
    calls.get++;
    return original.get(key);
  };
  cache.setMany = (entries) => {
    calls.setMany.push(entries.length);
    return original.setMany(entries);
  };
  cache.compareAndSet = (key, expected, value, ttlMs) => {
    calls.compareAndSet++;
    return original.compareAndSet(key, expected, value, ttlMs);
  };
  cache.del = (keys) => {
    calls.del++;
    return original.del(keys);
  };
  cache.incr = (key) => {
    calls.incr++;
    return original.incr(key);
  };
  return {
    calls: () => ({ ...calls, mget: [...calls.mget], setMany: [...calls.setMany] }),
    reset: () => {
      calls = noCalls();
    },
    restore: () => Object.assign(cache, original),
  };
}

/**
 * MONITOR on the private server: what Redis itself received, command by command. `drain()` sends a
 * marker and waits for it, so every command issued before the call has been seen.
 */
export async function monitorRedis(url: string): Promise<{ commands: string[][]; drain(): Promise<string[][]>; stop(): void }> {
  const client = new Redis(url);
  client.on("error", () => undefined);
  const monitor = await client.monitor();
  const commands: string[][] = [];
  let waiting: { marker: string; resolve: () => void } | null = null;
  monitor.on("monitor", (_time: string, args: string[]) => {
    const [name, ...rest] = args;
    const cmd = [(name ?? "").toUpperCase(), ...rest];
    if (waiting && cmd[0] === "ECHO" && cmd[1] === waiting.marker) {
      waiting.resolve();
      return;
    }
    commands.push(cmd);
  });
  let n = 0;
  return {
    commands,
    async drain() {
      const marker = `drain-${++n}`;
      const seen = new Promise<void>((resolve) => {
        waiting = { marker, resolve };
      });
      await client.echo(marker);
      await seen;
      waiting = null;
      return commands.splice(0);
    },
    stop() {
      monitor.disconnect();
      client.disconnect();
    },
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const VIEWER = `{ viewer { session { id } user { id } } }`;
export const USERS_PAGE = `query($n: Int!) { users(first: $n) { edges { node { id email permissions } } } }`;
export const HEALTH = `{ health { status redis { status message } } }`;
