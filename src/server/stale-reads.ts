// Which database a request's stale-tolerant reads use. Replicas only (see db/replicas.ts) and never
// for a viewer who started a write recently, on any instance: the marker lives in the shared cache,
// so a read that follows a mutation through another gateway instance still goes to the primary.
import type { App } from "../app.js";
import { keys } from "../cache/keys.js";
import { canTrustCache } from "../cache/invalidation.js";
import { stickyPrimaryMs } from "../db/replicas.js";
import type { PrismaClient } from "../generated/prisma/client.js";

export type StaleRead = <T>(read: (db: PrismaClient) => Promise<T>) => Promise<T>;

/** Called before a viewer's mutation runs: their reads stay on the primary until replicas have it. */
export async function markWrote(app: App, userId: string): Promise<void> {
  if (!app.db.replicas) return;
  await app.cache.set(keys.wrote(userId), "1", stickyPrimaryMs(app.config.DATABASE_REPLICA_MAX_LAG_SECONDS));
}

/** The request's reader: decided once (one cache read at most), on first use. */
export function staleReader(app: App, userId: string | null): StaleRead {
  let usePrimary: Promise<boolean> | null = null;
  const decide = async (): Promise<boolean> => {
    if (!app.db.replicas || !userId) return false;
    // Unknown (cache down or untrusted) counts as "wrote recently".
    if (!canTrustCache(app)) return true;
    return (await app.cache.get(keys.wrote(userId))) !== null || !canTrustCache(app);
  };
  return async (read) => ((await (usePrimary ??= decide())) ? read(app.db.prisma) : app.db.readStale(read));
}
