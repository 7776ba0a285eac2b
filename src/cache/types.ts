// The cache contract shared by the Redis and in-process implementations. Callers never see a
// cache failure as an exception: reads degrade to misses and writes to no-ops, because Postgres is
// the record and the cache only saves it work. The one failure callers must be able to see is an
// unconfirmed delete, since revocation has to know whether a stale copy may still be served.
import type { RedisClient } from "./redis-client.js";

export type CacheHealth = "OK" | "DEGRADED" | "DOWN";
export type BreakerState = "closed" | "open" | "half-open";

export interface CacheEntry {
  key: string;
  value: string;
  ttlMs: number;
  /** SET ... NX: write only if the key does not exist, so a write-back never overwrites a tombstone. */
  onlyIfAbsent?: boolean;
}

export interface CacheStatus {
  status: CacheHealth;
  message?: string;
  breaker: BreakerState;
  /** Present (> 0) while deletes Redis did not confirm are waiting to be replayed. */
  unconfirmedDeletes?: number;
  /** Present after an outage until this instance has bumped the recovery epochs (keys.ts). */
  resyncing?: true;
}

export interface PingResult {
  ok: boolean;
  latencyMs: number;
  message?: string;
}

/** Keys are passed WITHOUT the `auth:` namespace; implementations add it. */
export interface Cache {
  readonly kind: "redis" | "memory";
  /** Null on a miss or when the cache is unavailable. */
  get(key: string): Promise<string | null>;
  /** One round trip for all keys; all-null when unavailable. */
  mget(keys: readonly string[]): Promise<(string | null)[]>;
  /** True when the write is confirmed. ttlMs <= 0 writes nothing (already expired) and is "confirmed". */
  set(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** One pipeline of SET ... PX [NX]; true when every command was accepted (an NX skip counts as accepted). */
  setMany(entries: readonly CacheEntry[]): Promise<boolean>;
  /**
   * Atomic write-if-unchanged: writes `value` only if the key still holds `expected` (null = the key
   * is absent). True when written. This is how a reader writes back without undoing a concurrent
   * invalidation (a tombstone or a newer value makes the write a no-op).
   */
  compareAndSet(key: string, expected: string | null, value: string, ttlMs: number): Promise<boolean>;
  /** Resolves true only when the delete is confirmed by the cache; false means a stale copy may survive. */
  del(keys: readonly string[]): Promise<boolean>;
  /** INCR; null when unavailable. */
  incr(key: string): Promise<number | null>;
  status(): CacheStatus;
  ping(): Promise<PingResult>;
  /** The raw client (already `auth:`-prefixed) for rate-limiter-flexible; null for the memory cache. */
  readonly redis: RedisClient | null;
  close(): Promise<void>;
}

/** The subset of a pino logger the cache uses, so this layer does not depend on the app's logger. */
export interface CacheLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
