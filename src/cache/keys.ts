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
} as const;

export const channels = {
  invalidate: "invalidate",
} as const;
