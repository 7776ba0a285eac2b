// Shared by the gateway-level cache tests (instances from privateRedisTest): the instance's key
// prefix, a spy on its cache, and MONITOR on its redis-server.
import { Redis } from "ioredis";
import type { Cache } from "../../src/cache/types.js";
import type { TestInstance } from "./instance.js";

/** The instance's full key prefix on its Redis, e.g. `auth:t1a2b3c4d:`. */
export function keyPrefix(t: TestInstance): string {
  const prefix = t.app.cache.redis?.options.keyPrefix;
  if (!prefix) throw new Error("the instance is not on Redis");
  return prefix;
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

export const VIEWER = `{ viewer { session { id } user { id } } }`;
export const USERS_PAGE = `query($n: Int!) { users(first: $n) { edges { node { id email permissions } } } }`;
export const HEALTH = `{ health { status redis { status message } } }`;
