// One place for the key layout, so invalidation code and loaders cannot drift apart. Builders
// return keys WITHOUT the namespace; the cache implementation adds KEY_PREFIX.

/** Namespace of every key and pub/sub channel this service owns in a shared Redis. */
export const KEY_PREFIX = "auth:";

export const keys = {
  session: (id: string): string => `session:${id}`,
  user: (id: string): string => `user:${id}`,
  /**
   * With an epoch in the key, bumping the epoch orphans every cached permission set at once; without
   * one, the caller stores the epoch inside the value and compares it on read.
   */
  perms: (userId: string, epoch?: number | string): string =>
    epoch === undefined ? `perms:${userId}` : `perms:${userId}:${String(epoch)}`,
  /** Kept outside `perms:*` so a SCAN for permission sets never matches (or deletes) the epoch. */
  permsEpoch: (): string => "epoch:perms",
  /** Stamped into every session fragment; a fragment stamped with an older epoch is a miss. */
  sessionsEpoch: (): string => "epoch:sessions",
} as const;

/**
 * Epochs every instance bumps when it comes back from a Redis outage, before it trusts the cache
 * again (see redis.ts). Only kinds whose staleness is a security problem need one: a revoked
 * session, a withdrawn permission. User fragments only feed display fields and expire on their TTL.
 */
export const RECOVERY_EPOCHS: readonly string[] = [keys.sessionsEpoch(), keys.permsEpoch()];

export const channels = {
  invalidate: "invalidate",
} as const;
