// The invalidation outbox: a revoked session's tombstone is written to PostgreSQL in the revoking
// transaction, so it cannot be lost with the instance that made it. After its commit the revoking
// instance writes the tombstones to Redis itself; whatever Redis did not confirm (this instance cut
// off from Redis, or too slow for the time box), any instance that can reach Redis writes within
// CACHE_OUTBOX_INTERVAL_MS, and the revoke waits (up to CACHE_INVALIDATION_WAIT_MS) until one has.
// Until then this instance treats the sessions as uncached (Postgres, the record, decides).
import type { App } from "../../app.js";
import { canTrustCache, invalidate } from "../../cache/invalidation.js";
import { withInternalConnection } from "../../db/statements.js";
import type { Prisma } from "../../generated/prisma/client.js";

type Tx = Prisma.TransactionClient;

const DRAIN_BATCH = 500;
const WAIT_POLL_MS = 25;

interface OutboxState {
  /** Keys whose tombstone this instance wrote to the outbox but has not seen confirmed in Redis. */
  unsettled: Set<string>;
  /** performance.now() when the last drain that left nothing behind started. */
  drainedAt: number;
  /** performance.now() when this instance last found the cache untrusted (an outage, an open circuit). */
  distrustedAt: number;
  /** Starts a drain now (set by startOutboxDrain). */
  kick?: () => void;
}

const states = new WeakMap<App, OutboxState>();
const stateOf = (app: App): OutboxState => {
  let state = states.get(app);
  if (!state) states.set(app, (state = { unsettled: new Set(), drainedAt: 0, distrustedAt: -1 }));
  return state;
};

/**
 * Whether a cached session fragment under `key` may be used. Not while the cache is untrusted, not
 * for a session this instance revoked whose tombstone Redis has not confirmed, and not after an
 * outage until one drain has found the outbox empty: that is how an instance knows no revocation
 * was lost while it could not see Redis, instead of flushing every instance's cache to be safe.
 */
export function cachedSessionUsable(app: App, key: string): boolean {
  const state = stateOf(app);
  if (!canTrustCache(app)) {
    state.distrustedAt = performance.now();
    return false;
  }
  if (state.unsettled.has(key)) return false;
  if (app.cache.kind === "redis" && state.drainedAt <= state.distrustedAt) {
    state.kick?.();
    return false;
  }
  return true;
}

/** Ids of the outbox rows written, to settle after the commit. No rows for the in-process cache. */
export async function recordTombstones(app: App, tx: Tx, keys: readonly string[]): Promise<bigint[]> {
  if (keys.length === 0 || app.cache.kind === "memory") return [];
  const rows = await tx.cacheInvalidation.createManyAndReturn({ data: keys.map((key) => ({ key })), select: { id: true } });
  return rows.map((r) => r.id);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Whether the tombstones are in Redis now: this instance got through after all (PostgreSQL may be
 * the one gone by now), or a drain (any instance's) has written their outbox rows. The retry is not
 * logged: the first failure was.
 */
async function landed(app: App, keys: readonly string[], ids: readonly bigint[]): Promise<boolean> {
  if (await invalidate({ cache: app.cache }, { tombstones: keys })) return true;
  await drainInvalidationOutbox(app).catch(() => 0);
  const left = await app.db.prisma.cacheInvalidation.count({ where: { id: { in: [...ids] } } }).catch(() => ids.length);
  return left === 0;
}

/**
 * After the commit: write the tombstones; if Redis did not confirm, retry and wait for any
 * instance's drain (this one's included) to have written them, at most CACHE_INVALIDATION_WAIT_MS.
 * Confirmed rows are left for the drain, which writes them once more (harmless) and deletes them:
 * the revoke itself sends no extra statement.
 */
export async function settleTombstones(app: App, keys: readonly string[], ids: readonly bigint[]): Promise<boolean> {
  if (keys.length === 0) return true;
  if (await invalidate(app, { tombstones: keys })) return true;
  if (ids.length === 0) return false; // the in-process cache always confirms; nothing to wait for
  const { unsettled } = stateOf(app);
  for (const key of keys) unsettled.add(key);
  const deadline = Date.now() + app.config.CACHE_INVALIDATION_WAIT_MS;
  for (;;) {
    await sleep(WAIT_POLL_MS);
    if (await landed(app, keys, ids)) {
      for (const key of keys) unsettled.delete(key);
      return true;
    }
    if (Date.now() >= deadline) break;
  }
  app.log.warn({ keys: keys.length, waitedMs: app.config.CACHE_INVALIDATION_WAIT_MS }, "revocation tombstones not yet in Redis; the outbox drain will write them");
  return false;
}

/**
 * Writes up to DRAIN_BATCH outbox tombstones to Redis and deletes their rows, in one transaction
 * that locks them (SKIP LOCKED: instances draining at once take different rows). Rows stay when
 * Redis does not confirm. Returns how many keys were written. Its statements are not counted.
 */
export async function drainInvalidationOutbox(app: App): Promise<number> {
  if (app.cache.kind === "memory") return 0;
  const state = stateOf(app);
  const startedAt = performance.now();
  const drained = await withInternalConnection(app.db.pool, async (query) => {
    const [pending] = await query<{ any: boolean }>("SELECT EXISTS (SELECT 1 FROM cache_invalidations) AS any");
    if (!pending?.any) {
      if (canTrustCache(app)) state.drainedAt = startedAt;
      return [];
    }
    await query("BEGIN");
    try {
      const rows = await query<{ id: string; key: string }>(
        `SELECT id::text AS id, key FROM cache_invalidations ORDER BY id LIMIT ${DRAIN_BATCH} FOR UPDATE SKIP LOCKED`,
      );
      const keys = [...new Set(rows.map((r) => r.key))];
      if (rows.length === 0 || !(await invalidate({ cache: app.cache }, { tombstones: keys }))) {
        await query("ROLLBACK");
        return [];
      }
      // Ids are bigints read back as decimal text: safe to inline.
      await query(`DELETE FROM cache_invalidations WHERE id IN (${rows.map((r) => r.id).join(",")})`);
      await query("COMMIT");
      if (rows.length < DRAIN_BATCH) state.drainedAt = startedAt;
      return keys;
    } catch (err) {
      await query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  });
  for (const key of drained) state.unsettled.delete(key);
  return drained.length;
}

/** Drains on a timer for as long as the app runs (every instance; harmless when there is nothing to do). */
export function startOutboxDrain(app: App): () => void {
  if (app.cache.kind === "memory") return () => undefined;
  let running = false;
  let stopped = false;
  const drain = (): void => {
    if (running || stopped) return;
    running = true;
    drainInvalidationOutbox(app)
      .catch((err: unknown) => app.log.debug({ err }, "invalidation outbox drain failed; retrying"))
      .finally(() => (running = false));
  };
  const state = stateOf(app);
  state.kick = drain;
  const timer = setInterval(() => {
    if (!canTrustCache(app)) state.distrustedAt = performance.now();
    drain();
  }, app.config.CACHE_OUTBOX_INTERVAL_MS);
  timer.unref();
  return () => {
    stopped = true;
    delete state.kick;
    clearInterval(timer);
  };
}
