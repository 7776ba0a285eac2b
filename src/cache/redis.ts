// Redis-backed cache. Every call is time-boxed and goes through a circuit breaker, and every
// failure degrades to a miss or a no-op: Postgres is the record, so an unhealthy Redis must cost
// latency of at most one time box, never an error.
import type { RedisOptions } from "ioredis";
import { createGuard } from "./guard.js";
import type { Outcome } from "./guard.js";
import { KEY_PREFIX } from "./keys.js";
import { turnBatched } from "./mget-batch.js";
import { createPendingDeletes } from "./pending-deletes.js";
import { openRedisClient } from "./redis-client.js";
import type { RedisClient, RedisTarget } from "./redis-client.js";
import { redisCommands } from "./redis-commands.js";
import { createRecovery } from "./redis-recovery.js";
import { errorMessage, timeBox } from "./time-box.js";
import type { Cache, CacheEntry, CacheLogger, CacheStatus, PingResult } from "./types.js";

export interface RedisCacheOptions {
  /** Upper bound for any single cache call (CACHE_TIMEOUT_MS). */
  timeoutMs: number;
  /** Consecutive failures that open the circuit (CACHE_BREAKER_FAILURES). */
  breakerFailures: number;
  /** How long the circuit stays open before a probe (CACHE_BREAKER_COOLDOWN_MS). */
  breakerCooldownMs: number;
  /** Cap of the reconnect backoff; default min(cool-down, 5 s) so recovery is noticed within a cool-down. */
  reconnectMaxDelayMs?: number;
  /** How long createRedisCache waits for the first connection before returning a degraded cache. */
  startupWaitMs?: number;
  /** CLIENT SETNAME, to find our connections in CLIENT LIST. */
  connectionName?: string;
  /** Bound on remembered unconfirmed deletes (see pending-deletes.ts). */
  maxPendingDeletes?: number;
  log?: CacheLogger;
  /** Namespace of every key and channel; default `auth:` (KEY_PREFIX). Must start with it. */
  prefix?: string;
}

// GET and conditional SET in one atomic step (Lua sees a missing key as false).
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == 'absent' then
  if current ~= false then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return 1`;

const px = (ttlMs: number): number => Math.max(1, Math.round(ttlMs));
const seconds = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))}s`;

/** Capped exponential backoff with jitter, forever: the cache must come back on its own. */
function backoff(maxDelayMs: number, onDelay?: (ms: number) => void): (times: number) => number {
  return (times) => {
    const base = Math.min(maxDelayMs, 50 * 2 ** Math.min(times, 16));
    const delay = Math.round(base * (0.8 + Math.random() * 0.2));
    onDelay?.(delay);
    return delay;
  };
}

/** `target` is a redis:// or rediss:// URL, or a Cluster / Sentinel target (redis-client.ts). */
export async function createRedisCache(target: string | RedisTarget, options: RedisCacheOptions): Promise<Cache> {
  const { timeoutMs, log } = options;
  const prefix = options.prefix ?? KEY_PREFIX;
  const name = options.connectionName ?? "authgraph";
  const maxDelay = options.reconnectMaxDelayMs ?? Math.min(options.breakerCooldownMs, 5000);
  // Closing is off the request path and may take longer than a cache read.
  const controlTimeoutMs = Math.max(timeoutMs, 1000);
  let nextRetryAt = 0;
  let lastError: string | undefined;
  let outage = false;
  let closed = false;

  const common: RedisOptions = {
    enableOfflineQueue: false, // fail fast while disconnected instead of queueing behind the outage
    maxRetriesPerRequest: 1,
    connectTimeout: Math.max(1000, Math.min(options.breakerCooldownMs, 10_000)),
  };
  const client = openRedisClient(typeof target === "string" ? { kind: "single", url: target } : target, {
    ...common,
    connectionName: name,
    keyPrefix: prefix,
    // Only a backstop, as long as the socket timeout: calls are time-boxed by timeBox, which unlike
    // ioredis' timer lets a reply that arrived during a stall of our own event loop still count.
    commandTimeout: Math.max(1000, timeoutMs * 20),
    // Pending replies with no data for this long mean a half-dead socket (no FIN): reconnect.
    socketTimeout: Math.max(1000, timeoutMs * 20),
    // A command we already gave up on must not be replayed minutes later (e.g. a stale SET).
    autoResendUnfulfilledCommands: false,
    retryStrategy: backoff(maxDelay, (ms) => {
      nextRetryAt = Date.now() + ms;
    }),
  });
  const commands = redisCommands(client);
  const pending = createPendingDeletes(options.maxPendingDeletes ?? 10_000, log);

  const guard = createGuard({
    timeoutMs,
    failures: options.breakerFailures,
    cooldownMs: options.breakerCooldownMs,
    ...(log ? { log } : {}),
    probe: () => cache.ping(),
    onOpen: () => recovery.outageBegan(),
    onRecover: () => void recovery.repair(),
  });
  guard.isolate(); // until the first 'ready'

  const call = async <T>(op: () => Promise<T>): Promise<Outcome<T>> => {
    if (closed) return { ok: false, error: new Error("cache closed"), shortCircuited: true };
    const outcome = await guard.run(op);
    if (outcome.ok && (pending.size > 0 || recovery.resyncNeeded)) void recovery.repair();
    return outcome;
  };

  const batchedMget = turnBatched(async (keyList) => {
    const r = await call(() => commands.mget(keyList));
    return r.ok ? r.value : null;
  });

  const recovery = createRecovery({ commands, guard, pending, retryMs: Math.min(options.breakerCooldownMs, 1000), log });

  client.on("ready", () => {
    lastError = undefined;
    if (outage) log?.info({}, "Redis connection restored");
    outage = false;
    guard.release();
  });
  const lost = (why: string): void => {
    if (closed) return;
    recovery.outageBegan();
    guard.isolate();
    if (!outage) log?.warn({ err: lastError ?? why }, "Redis unavailable; serving from Postgres until it returns");
    outage = true;
  };
  client.on("close", () => lost("connection closed"));
  client.on("end", () => lost("connection ended"));
  client.on("error", (error: Error) => {
    lastError = error.message;
    if (client.status !== "ready") lost(error.message);
  });

  const cache: Cache = {
    kind: "redis",
    redis: client,

    async get(key) {
      if (pending.has(key)) return null;
      const r = await call(() => client.get(key));
      return r.ok ? r.value : null;
    },

    async mget(keyList) {
      if (keyList.length === 0) return [];
      const values = await batchedMget(keyList);
      if (!values) return keyList.map(() => null);
      return keyList.map((k, i) => (pending.has(k) ? null : (values[i] ?? null)));
    },

    async set(key, value, ttlMs) {
      if (ttlMs <= 0) return true;
      return (await call(() => client.set(key, value, "PX", px(ttlMs)))).ok;
    },

    async setMany(entries: readonly CacheEntry[]) {
      const live = entries.filter((e) => e.ttlMs > 0);
      if (live.length === 0) return true;
      return (await call(() => commands.setMany(live))).ok;
    },

    async compareAndSet(key, expected, value, ttlMs) {
      if (ttlMs <= 0 || pending.has(key)) return false;
      const r = await call(() =>
        client.eval(COMPARE_AND_SET, 1, key, expected === null ? "absent" : "equals", expected ?? "", value, px(ttlMs)),
      );
      return r.ok && r.value === 1;
    },

    async del(keyList) {
      if (keyList.length === 0) return true;
      const r = await call(() => commands.del(keyList));
      if (r.ok) {
        pending.confirm(keyList);
      } else {
        pending.add(keyList);
        recovery.scheduleRepair();
      }
      return r.ok;
    },

    async incr(key) {
      const r = await call(() => client.incr(key));
      return r.ok ? r.value : null;
    },

    status(): CacheStatus {
      if (closed) return { status: "DOWN", message: "cache closed", breaker: "open" };
      const breaker = guard.state();
      const extra = { ...(pending.size > 0 ? { unconfirmedDeletes: pending.size } : {}), ...(recovery.resyncNeeded ? { resyncing: true as const } : {}) };
      const degraded = (message: string): CacheStatus => ({ status: "DEGRADED", message, breaker, ...extra });
      if (guard.isolated) {
        const wait = nextRetryAt - Date.now();
        const when = client.status === "reconnecting" && wait > 0 ? `retrying in ${seconds(wait)}` : "reconnecting";
        return degraded(`Redis unreachable: ${lastError ?? "connection closed"}; ${when}`);
      }
      if (breaker !== "closed") {
        const { failure, retryInMs } = guard.openReason();
        const when = breaker === "open" && retryInMs > 0 ? `retrying in ${seconds(retryInMs)}` : "probing";
        return degraded(`Redis not responding: ${failure}; ${when}`);
      }
      if (recovery.resyncNeeded) return degraded("back after an outage; bumping the cache epochs before trusting cached entries");
      if (pending.size > 0) return degraded(`${pending.size} cache deletes awaiting confirmation`);
      return { status: "OK", breaker };
    },

    async ping(): Promise<PingResult> {
      const started = performance.now();
      const r = await call(() => client.ping());
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      if (r.ok) return { ok: true, latencyMs };
      const message = r.shortCircuited ? cache.status().message : errorMessage(r.error);
      return { ok: false, latencyMs, message: message ?? errorMessage(r.error) };
    },

    async close() {
      if (closed) return;
      closed = true;
      guard.dispose();
      recovery.dispose();
      await timeBox(client.quit(), controlTimeoutMs)
        .catch(() => undefined)
        .then(() => client.disconnect());
    },
  };

  await firstConnection(client, options.startupWaitMs ?? 1000);
  return cache;
}

/** Resolves on the first 'ready', the first failed attempt, or after `ms`: start-up never blocks on Redis. */
function firstConnection(client: RedisClient, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off("ready", done);
      client.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.once("ready", done);
    client.once("close", done);
  });
}
