// Batched cache-aside for entities fetched by id, meant to sit inside a DataLoader:
// one MGET for the batch, one load() for the misses, one pipeline writing them back.
import { TOMBSTONE } from "./invalidation.js";
import { defaultCacheStats } from "./stats.js";
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
  metrics?: CacheStats;
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
  const stats = options.metrics ?? defaultCacheStats;

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

type Revived<R extends string, N extends string> = Record<string, unknown> & { [P in R]: Date } & { [P in N]: Date | null };

/**
 * JSON turns Dates into ISO strings; this turns them back. `required` fields must hold a valid date
 * string, `nullable` ones may also be null. Returns null (a wrong-shape value) otherwise, so a
 * `revive` can start with it and go on to check the other fields.
 */
export function reviveDates<R extends string, N extends string = never>(
  raw: unknown,
  required: readonly R[],
  nullable: readonly N[] = [],
): Revived<R, N> | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const out: Record<string, unknown> = { ...raw };
  const toDate = (field: string, allowNull: boolean): boolean => {
    const v = out[field];
    if (v === null) return allowNull;
    if (typeof v !== "string") return false;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) return false;
    out[field] = d;
    return true;
  };
  for (const f of required) if (!toDate(f, false)) return null;
  for (const f of nullable) if (!toDate(f, true)) return null;
  return out as Revived<R, N>;
}
