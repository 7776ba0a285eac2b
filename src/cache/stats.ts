// Hit/miss counters per fragment kind, kept as plain numbers so the metrics module can read them
// in a prom-client collect() without the cache layer depending on prom-client.

export interface KindStats {
  hits: number;
  /** Absent in the cache (or the cache was unavailable), tombstoned, or corrupt. */
  misses: number;
  /** Present but unparsable or the wrong shape; included in misses. */
  corrupt: number;
  /** Rows the loader returned for misses. */
  loaded: number;
  /** Ids the loader did not find (not cached). */
  notFound: number;
}

const empty = (): KindStats => ({ hits: 0, misses: 0, corrupt: 0, loaded: 0, notFound: 0 });

export class CacheStats {
  private readonly kinds = new Map<string, KindStats>();

  add(kind: string, delta: Partial<KindStats>): void {
    const s = this.kinds.get(kind) ?? empty();
    for (const [name, n] of Object.entries(delta) as [keyof KindStats, number][]) s[name] += n;
    this.kinds.set(kind, s);
  }

  get(kind: string): KindStats {
    return { ...(this.kinds.get(kind) ?? empty()) };
  }

  snapshot(): Record<string, KindStats> {
    return Object.fromEntries([...this.kinds].map(([k, s]) => [k, { ...s }]));
  }

  reset(): void {
    this.kinds.clear();
  }
}

const perOwner = new WeakMap<object, CacheStats>();

/**
 * The counters of one gateway instance, keyed by its App (any object), so several instances in one
 * process (the test suite) keep separate counts for their /metrics.
 */
export function statsFor(owner: object): CacheStats {
  let stats = perOwner.get(owner);
  if (!stats) {
    stats = new CacheStats();
    perOwner.set(owner, stats);
  }
  return stats;
}
