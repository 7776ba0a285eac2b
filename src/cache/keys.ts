// One place for the key layout, so invalidation code and loaders cannot drift apart. Builders
// return keys WITHOUT the namespace; the cache implementation adds KEY_PREFIX.

/** Namespace of every key this service owns in a shared Redis. */
export const KEY_PREFIX = "auth:";

export const keys = {
  session: (id: string): string => `session:${id}`,
  user: (id: string): string => `user:${id}`,
  /** Stores `{ epoch, keys }`; a set stamped with an older permission epoch is a miss. */
  perms: (userId: string): string => `perms:${userId}`,
  permsEpoch: (): string => "epoch:perms",
  /** Stamped into every session fragment; a fragment stamped with an older epoch is a miss. */
  sessionsEpoch: (): string => "epoch:sessions",
  /** `{ count, lockedUntil }` of an email no account has, so its lockout answers like a real one's. */
  phantomAttempts: (emailDigest: string): string => `login:phantom:${emailDigest}`,
  /** The id of the account a source (an address bucket) signed in to recently under this email. */
  knownSource: (emailDigest: string, sourceDigest: string): string => `login:known:${emailDigest}:${sourceDigest}`,
  /** `{ count, lockedUntil }` of a known source's own attempts. */
  sourceAttempts: (userId: string, sourceDigest: string): string => `login:source:${userId}:${sourceDigest}`,
  /** Present while a user's reads must stay on the primary after their own write (server/stale-reads.ts). */
  wrote: (userId: string): string => `rw:${userId}`,
  /** A whole query result, by a hash of its document, variables and session (plugins/response-cache.ts). */
  response: (hash: string): string => `response:${hash}`,
  /** Bumped by every mutation and stamped into every cached response: an older stamp is a miss. */
  responsesEpoch: (): string => "epoch:responses",
  /** The latest signed audit chain head (see modules/audit/head.ts). */
  auditHead: (): string => "audit:head",
} as const;

/**
 * Epochs every instance bumps when it comes back from a Redis outage, before it trusts the cache
 * again (see redis-recovery.ts): kinds whose invalidations can be lost with an instance that could
 * not reach Redis. Permission changes are such a kind. Session revocations are not: their tombstones
 * are in the invalidation outbox in PostgreSQL until Redis has them, and an instance back from an
 * outage uses cached sessions only once a drain has found the outbox empty
 * (modules/sessions/invalidation-outbox.ts), so an outage no longer flushes every session.
 * User fragments only feed display fields and expire on their TTL.
 */
export const RECOVERY_EPOCHS: readonly string[] = [keys.permsEpoch(), keys.responsesEpoch()];
