// What the Redis cache does after an outage before it trusts itself again: replay the deletes Redis
// did not confirm, and bump the recovery epochs.
//
// Invalidations can be lost in an outage: ours wait in `pending`, but those of another instance (a
// revoke whose tombstone never landed, on an instance that may have stopped since) are known to
// nobody, and a Redis that comes back with its data (persistence, or a partition rather than a
// crash) would serve the entries they were meant to remove. So an instance that saw an outage bumps
// the recovery epochs: every session fragment and permission set stamped before the bump reads as a
// miss and is reloaded from Postgres. One INCR per kind, once per outage per instance; the price is
// one re-warm. The first connection is not an outage unless it failed: starting an instance must
// not flush everyone's sessions.
import type { Guard } from "./guard.js";
import { RECOVERY_EPOCHS } from "./keys.js";
import type { PendingDeletes } from "./pending-deletes.js";
import type { RedisCommands } from "./redis-commands.js";
import type { CacheLogger } from "./types.js";

export interface Recovery {
  /** The connection dropped or the circuit opened: bump the epochs before trusting the cache again. */
  outageBegan(): void;
  /** True until the epochs have been bumped since the last outage. */
  readonly resyncNeeded: boolean;
  /** Replays deletes and bumps epochs as needed; retries on a timer until both are done. */
  repair(): Promise<void>;
  /** Retry soon: recovery events and successful calls trigger repairs, but callers stop calling a degraded cache. */
  scheduleRepair(): void;
  dispose(): void;
}

export function createRecovery(options: { commands: RedisCommands; guard: Guard; pending: PendingDeletes; retryMs: number; log?: CacheLogger | undefined }): Recovery {
  const { commands, guard, pending, log } = options;
  let resyncNeeded = false;
  let outages = 0; // an outage that begins while a bump is in flight needs another bump
  let resyncing = false;
  let disposed = false;
  let timer: NodeJS.Timeout | undefined;

  const replayDeletes = (): Promise<void> => pending.flush(async (batch) => (await guard.run(() => commands.del(batch))).ok);

  const resync = async (): Promise<void> => {
    if (!resyncNeeded || resyncing || disposed) return;
    resyncing = true;
    const generation = outages;
    try {
      const r = await guard.run(() => commands.incrAll(RECOVERY_EPOCHS));
      if (r.ok && generation === outages) {
        resyncNeeded = false;
        log?.info({ epochs: RECOVERY_EPOCHS }, "cache epochs bumped after the outage; entries cached before it are misses");
      }
    } finally {
      resyncing = false;
    }
  };

  const recovery: Recovery = {
    outageBegan() {
      resyncNeeded = true;
      outages++;
    },
    get resyncNeeded() {
      return resyncNeeded;
    },
    async repair() {
      await Promise.all([replayDeletes(), resync()]);
      if (pending.size > 0 || resyncNeeded) recovery.scheduleRepair();
    },
    scheduleRepair() {
      if (timer || disposed) return;
      timer = setTimeout(() => {
        timer = undefined;
        void recovery.repair();
      }, options.retryMs);
      timer.unref();
    },
    dispose() {
      disposed = true;
      clearTimeout(timer);
    },
  };
  return recovery;
}
