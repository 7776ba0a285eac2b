// Batched cache-aside for entities fetched by id, meant to sit inside a DataLoader:
// one MGET for the batch, one load() for the misses, one pipeline writing them back.
import { z } from "zod";
import { TOMBSTONE } from "./invalidation.js";
import type { CacheStats } from "./stats.js";
import type { Cache, CacheEntry } from "./types.js";

export interface FragmentLoaderOptions<T> {
  cache: Cache;
  /** Label for the counters, e.g. "user". */
  kind: string;
  /** Cache key (without `auth:`) for an id, e.g. keys.user. */
  key: (id: string) => string;
  /** TTL of a freshly loaded value; <= 0 means do not cache it. */
  ttlMs: (value: T) => number;
  /** Loads the misses in ONE query; ids not in the map are treated as not found. */
  load: (ids: readonly string[]) => Promise<Map<string, T>>;
  /** Parsed JSON back to T, or null when it is not a valid T (then it is a miss and gets overwritten). */
  revive: (raw: unknown) => T | null;
  /** The id a value belongs to: a valid T stored under another id's key is just as wrong as junk. */
  idOf?: (value: T) => string;
  metrics: CacheStats;
}

interface Miss {
  /** The key held a corrupt value: overwrite it. Otherwise it was absent: SET NX, never clobbering a newer write. */
  overwrite: boolean;
  /** The key holds a tombstone: load from Postgres but do not cache. */
  tombstoned: boolean;
}

function parse<T>(raw: string, revive: (raw: unknown) => T | null): T | null {
  try {
    return revive(JSON.parse(raw));
  } catch {
    return null;
  }
}

function serialise(value: unknown): string | null {
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null; // e.g. a BigInt: serve it, just do not cache it
  }
}

/**
 * Missing ids resolve to null and are NOT cached: ids often come from tokens, so caching negatives
 * would let anyone fill Redis with junk keys, and a negative could hide a row created a moment later.
 */
export function createFragmentLoader<T>(options: FragmentLoaderOptions<T>): (ids: readonly string[]) => Promise<(T | null)[]> {
  const { cache, kind, key, ttlMs, load, revive } = options;
  const stats = options.metrics;

  return async (ids) => {
    if (ids.length === 0) return [];
    const raws = await cache.mget(ids.map(key));
    const out: (T | null)[] = [];
    const misses = new Map<string, Miss>();
    let corrupt = 0;
    ids.forEach((id, i) => {
      const raw = raws[i] ?? null;
      const parsed = raw === null || raw === TOMBSTONE ? null : parse(raw, revive);
      const value = parsed !== null && options.idOf && options.idOf(parsed) !== id ? null : parsed;
      out.push(value);
      if (value !== null) return;
      const overwrite = raw !== null && raw !== TOMBSTONE;
      if (overwrite) corrupt++;
      if (!misses.has(id)) misses.set(id, { overwrite, tombstoned: raw === TOMBSTONE });
    });
    const missCount = out.filter((v) => v === null).length;
    stats.add(kind, { hits: ids.length - missCount, misses: missCount, corrupt });
    if (misses.size === 0) return out;

    const loaded = await load([...misses.keys()]);
    const entries: CacheEntry[] = [];
    for (const [id, miss] of misses) {
      const value = loaded.get(id);
      if (value === undefined || miss.tombstoned) continue;
      const json = serialise(value);
      const ttl = ttlMs(value);
      if (json === null || !(ttl > 0)) continue;
      entries.push({ key: key(id), value: json, ttlMs: ttl, onlyIfAbsent: !miss.overwrite });
    }
    stats.add(kind, { loaded: loaded.size, notFound: [...misses.keys()].filter((id) => !loaded.has(id)).length });
    if (entries.length > 0) await cache.setMany(entries);
    return out.map((v, i) => v ?? loaded.get(ids[i] as string) ?? null);
  };
}

/** A Date as JSON.stringify wrote it (ISO-8601, UTC), revived to a Date. */
export const cachedDate = z.iso.datetime().transform((s) => new Date(s));

/** A `revive` for createFragmentLoader from a zod schema: null for anything of another shape. */
export function reviver<T>(schema: z.ZodType<T, unknown>): (raw: unknown) => T | null {
  return (raw) => {
    const parsed = schema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  };
}
