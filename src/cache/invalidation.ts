// What domain code calls after changing Postgres, and what it asks before relying on the cache.
// Takes anything with a `cache` (the App fits) so this layer stays free of app types.
import { channels } from "./keys.js";
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
 * Removes the keys from Redis and broadcasts them on `channels.invalidate` (for in-process copies),
 * before returning. Resolves false when Redis did not confirm: the Redis cache then treats those
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
  // A tombstone that did not land falls back to a delete, which is remembered and replayed.
  const tombstoned = marked || (await cache.del(tombstones));
  const all = [...keys, ...tombstones];
  await cache.publish(channels.invalidate, JSON.stringify({ keys: all }));
  const confirmed = deleted && tombstoned;
  if (!confirmed) app.log?.warn({ keys: all.length }, "cache invalidation not confirmed; Postgres stays authoritative");
  return confirmed;
}

/**
 * Whether cached fragments may be used right now. False while Redis is unreachable, the circuit is
 * open or probing, a delete is unconfirmed, or the recovery epochs have not been bumped since an
 * outage: callers then go to Postgres only (and write nothing back). A pub/sub outage alone does
 * not count: it affects in-process copies, not what Redis holds.
 */
export function canTrustCache(app: WithCache): boolean {
  const s = app.cache.status();
  return s.status !== "DOWN" && s.breaker === "closed" && !s.unconfirmedDeletes && !s.resyncing;
}

/**
 * For an in-process L1: `onKeys` gets every invalidated key, `onResync` is called after a pub/sub
 * outage (messages were lost, so drop everything).
 */
export function onInvalidation(
  cache: Cache,
  onKeys: (keys: string[]) => void,
  onResync: () => void,
): Promise<() => Promise<void>> {
  return cache.subscribe(
    channels.invalidate,
    (message) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch {
        return; // not ours; never let a stray publish break the subscriber
      }
      const list = (parsed as { keys?: unknown } | null)?.keys;
      if (Array.isArray(list)) onKeys(list.filter((k): k is string => typeof k === "string"));
    },
    { onResubscribe: onResync },
  );
}
