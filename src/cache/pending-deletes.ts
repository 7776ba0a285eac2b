// Deletes Redis did not confirm. A failed DEL may leave a stale copy (say, of a revoked session)
// that becomes visible again once Redis is reachable. So this instance (a) treats such keys as
// misses and (b) replays the DEL as soon as calls succeed again. Other instances are not covered:
// they see the stale copy once Redis returns, which is why callers are told the delete was not
// confirmed (revocation then relies on its invalidation outbox in PostgreSQL).
import type { CacheLogger } from "./types.js";

export interface PendingDeletes {
  readonly size: number;
  has(key: string): boolean;
  /** Returns false when the bound is reached and the keys could not all be remembered. */
  add(keys: readonly string[]): boolean;
  confirm(keys: readonly string[]): void;
  /** Replays remembered deletes in batches through `del` until one fails. */
  flush(del: (keys: string[]) => Promise<boolean>): Promise<void>;
}

export function createPendingDeletes(max: number, log?: CacheLogger): PendingDeletes {
  // key -> generation, so a DEL that fails again while a replay is in flight is not forgotten.
  const pending = new Map<string, number>();
  let generation = 0;
  let flushing = false;
  let overflowLogged = false;

  return {
    get size() {
      return pending.size;
    },
    has: (key) => pending.has(key),
    add(keys) {
      generation++;
      let all = true;
      for (const k of keys) {
        if (pending.size >= max && !pending.has(k)) {
          all = false;
          continue;
        }
        pending.set(k, generation);
      }
      if (!all && !overflowLogged) {
        overflowLogged = true;
        log?.error({ max }, "too many unconfirmed cache deletes to remember; stale entries may be served after Redis returns");
      }
      return all;
    },
    confirm(keys) {
      for (const k of keys) pending.delete(k);
    },
    async flush(del) {
      if (flushing || pending.size === 0) return;
      flushing = true;
      let replayed = 0;
      try {
        while (pending.size > 0) {
          const batch: [string, number][] = [];
          for (const entry of pending) {
            batch.push(entry);
            if (batch.length === 500) break;
          }
          if (!(await del(batch.map(([k]) => k)))) return;
          for (const [k, gen] of batch) if (pending.get(k) === gen) pending.delete(k);
          replayed += batch.length;
        }
        overflowLogged = false;
      } finally {
        flushing = false;
        if (replayed > 0) log?.info({ replayed, left: pending.size }, "replayed unconfirmed cache deletes");
      }
    },
  };
}
