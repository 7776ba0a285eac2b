// What domain code calls after changing Postgres, and what it asks before relying on the cache.
// Takes anything with a `cache` (the App fits) so this layer stays free of app types.
import type { Cache, CacheLogger } from "./types.js";

/**
 * Written over a key instead of deleting it when a reader must not be able to put the old value
 * back (revoked sessions): write-backs are compare-and-set or SET NX, both of which fail on it.
 */
export const TOMBSTONE = "revoked";
/** Longer than any request that could have read the old value before the revoke. */
export const TOMBSTONE_TTL_MS = 10 * 60_000;

export interface InvalidationTarget {
  /** Deleted: the next reader loads from Postgres and may cache again. */
  keys?: readonly string[];
  /** Replaced by TOMBSTONE for TOMBSTONE_TTL_MS. */
  tombstones?: readonly string[];
}

interface WithCache {
  cache: Cache;
  log?: CacheLogger;
}

/**
 * Deletes (or tombstones) the keys in the shared cache before returning, so every instance reading
 * it sees the change. Resolves false when Redis did not confirm: the Redis cache then treats those
 * keys as misses on this instance and replays the delete when it can.
 */
export async function invalidate(app: WithCache, what: InvalidationTarget): Promise<boolean> {
  const { cache } = app;
  const keys = [...(what.keys ?? [])];
  const tombstones = [...(what.tombstones ?? [])];
  if (keys.length === 0 && tombstones.length === 0) return true;
  const [deleted, marked] = await Promise.all([
    cache.del(keys),
    cache.setMany(tombstones.map((key) => ({ key, value: TOMBSTONE, ttlMs: TOMBSTONE_TTL_MS }))),
  ]);
  // No delete as a fallback for a tombstone that did not confirm: it may still land, and a delete
  // landing after it would let a reader that loaded the row before the revoke write it back. Those
  // tombstones are in the invalidation outbox, which writes them again until Redis confirms.
  const all = [...keys, ...tombstones];
  const confirmed = deleted && marked;
  if (!confirmed) app.log?.warn({ keys: all.length }, "cache invalidation not confirmed; Postgres stays authoritative");
  return confirmed;
}

/**
 * Whether cached fragments may be used right now. False while Redis is unreachable, the circuit is
 * open or probing, a delete is unconfirmed, or the recovery epochs have not been bumped since an
 * outage: callers then go to Postgres only (and write nothing back).
 */
export function canTrustCache(app: WithCache): boolean {
  const s = app.cache.status();
  return s.status !== "DOWN" && s.breaker === "closed" && !s.unconfirmedDeletes && !s.resyncing;
}

