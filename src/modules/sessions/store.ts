// Cache-aside storage of the session+user fragment under `auth:session:<id>` (TTL = time to expiry).
// Postgres is the record; the cache only saves the per-request lookup.
import type { App } from "../../app.js";
import { keys } from "../../cache/keys.js";
import { canTrustCache, TOMBSTONE } from "../../cache/invalidation.js";
import { statsFor } from "../../cache/stats.js";
import type { SessionRecord, UserRecord } from "../types.js";
import { USER_SELECT, reviveDate, reviveUser } from "../users/records.js";

/** What the cache holds: the session (with its token hash, needed to check the secret) and its user. */
export interface SessionFragment {
  session: SessionRecord & { tokenHash: string };
  user: UserRecord;
}

export const SESSION_SELECT = {
  id: true,
  userId: true,
  tokenHash: true,
  createdAt: true,
  lastSeenAt: true,
  expiresAt: true,
  absoluteExpiresAt: true,
  revokedAt: true,
  ip: true,
  userAgent: true,
} as const;


export function reviveSession(raw: unknown): (SessionRecord & { tokenHash: string }) | null {
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const createdAt = reviveDate(r.createdAt);
  const lastSeenAt = reviveDate(r.lastSeenAt);
  const expiresAt = reviveDate(r.expiresAt);
  const absoluteExpiresAt = reviveDate(r.absoluteExpiresAt);
  const revokedAt = reviveDate(r.revokedAt);
  if (
    typeof r.id !== "string" ||
    typeof r.userId !== "string" ||
    typeof r.tokenHash !== "string" ||
    !/^[0-9a-f]{64}$/.test(r.tokenHash) ||
    !createdAt ||
    !lastSeenAt ||
    !expiresAt ||
    !absoluteExpiresAt ||
    revokedAt === undefined ||
    !(r.ip === null || typeof r.ip === "string") ||
    !(r.userAgent === null || typeof r.userAgent === "string")
  ) {
    return null;
  }
  return {
    id: r.id,
    userId: r.userId,
    tokenHash: r.tokenHash,
    createdAt,
    lastSeenAt,
    expiresAt,
    absoluteExpiresAt,
    revokedAt,
    ip: r.ip,
    userAgent: r.userAgent,
  };
}

export function reviveFragment(raw: unknown): SessionFragment | null {
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const session = reviveSession(r.session);
  const user = reviveUser(r.user);
  return session && user && session.userId === user.id ? { session, user } : null;
}

/** Written over `auth:session:<id>` by a revoke, so an in-flight read cannot write the session back. */
export const SESSION_TOMBSTONE = TOMBSTONE;

/**
 * What the cache holds: `{ epoch, session, user }`. The epoch is `auth:epoch:sessions` as read
 * BEFORE the row was loaded; a fragment whose epoch is not the current one is a miss. Instances
 * bump the epoch when they come back from a Redis outage (src/cache/redis.ts), so a fragment
 * cached before the outage cannot bring back a session revoked during it, even when the revoking
 * instance's delete never reached Redis and Redis kept its data.
 */
interface Stamped {
  epoch: string;
  fragment: SessionFragment;
}

function parse(value: string | null): Stamped | null {
  if (value === null || value === SESSION_TOMBSTONE) return null;
  try {
    const raw: unknown = JSON.parse(value);
    if (typeof raw !== "object" || raw === null) return null;
    const epoch = (raw as { epoch?: unknown }).epoch;
    const fragment = reviveFragment(raw);
    return typeof epoch === "string" && fragment ? { epoch, fragment } : null;
  } catch {
    return null; // corrupt value: a miss, overwritten below
  }
}

const stamp = (fragment: SessionFragment, epoch: string): string => JSON.stringify({ epoch, ...fragment });

/** Absent epoch key (fresh or restarted Redis) = epoch "0", as for permission sets. */
const epochOf = (raw: string | null | undefined): string => raw ?? "0";

export async function loadFromDb(app: App, sessionId: string): Promise<SessionFragment | null> {
  const row = await app.db.prisma.session.findUnique({
    where: { id: sessionId },
    select: { ...SESSION_SELECT, user: { select: USER_SELECT } },
  });
  if (!row) return null;
  const { user, ...session } = row;
  return { session, user };
}

/** Where a fragment came from, for a later compare-and-set of an updated copy. */
export interface LoadedFragment {
  fragment: SessionFragment;
  /** The exact string the cache holds for it (as read, or as just written back); null when none. */
  cachedRaw: string | null;
}

/**
 * Write `value` only if the cache still holds `expectedRaw` (null = nothing). A revoke replaces the
 * entry with a tombstone, so a request that read the session before the revoke can never write it
 * back afterwards (the classic cache-aside race). Returns the string written, or null.
 */
async function store(app: App, fragment: SessionFragment, epoch: string, expectedRaw: string | null): Promise<string | null> {
  const ttlMs = Math.min(fragment.session.expiresAt.getTime(), fragment.session.absoluteExpiresAt.getTime()) - app.clock.now().getTime();
  // Revoked or expired sessions are not worth caching: a miss costs one indexed lookup.
  if (ttlMs <= 0 || fragment.session.revokedAt || !canTrustCache(app)) return null;
  const value = stamp(fragment, epoch);
  return (await app.cache.compareAndSet(keys.session(fragment.session.id), expectedRaw, value, ttlMs)) ? value : null;
}

/**
 * Replace the cached copy `expectedRaw` (a `LoadedFragment.cachedRaw`) by an updated `fragment`,
 * keeping its epoch: the update derives from that copy, so it is no fresher than its epoch says.
 * Anything else in `expectedRaw` means we cached nothing to replace, and nothing is written.
 */
export async function writeFragment(app: App, fragment: SessionFragment, expectedRaw: string | null): Promise<void> {
  const current = parse(expectedRaw);
  if (current) await store(app, fragment, current.epoch, expectedRaw);
}

/**
 * Put a fragment we just wrote to Postgres into the cache, unless a revoke has tombstoned the key.
 * Compare-and-set against what the key held a moment ago: if anything changed in between (a
 * tombstone, another writer), that newer state wins and we write nothing.
 */
export async function replaceFragment(app: App, fragment: SessionFragment): Promise<void> {
  if (!canTrustCache(app)) return;
  const [epoch, raw = null] = await app.cache.mget([keys.sessionsEpoch(), keys.session(fragment.session.id)]);
  if (raw === SESSION_TOMBSTONE) return;
  await store(app, fragment, epochOf(epoch), raw);
}

/**
 * Cache first, then Postgres (and write back). While the cache cannot be trusted, Postgres only.
 * The epoch comes in the same MGET as the fragment: still one round trip per request.
 */
export async function getSessionFragment(app: App, sessionId: string): Promise<LoadedFragment | null> {
  const trusted = canTrustCache(app);
  let raw: string | null = null;
  let epoch = "0";
  if (trusted) {
    const [epochRaw, value = null] = await app.cache.mget([keys.sessionsEpoch(), keys.session(sessionId)]);
    raw = value;
    if (raw === SESSION_TOMBSTONE) return null;
    epoch = epochOf(epochRaw);
    const cached = parse(raw);
    // A fragment of another session under this key is as wrong as junk: the token check would
    // refuse a valid caller on it.
    const hit = cached !== null && cached.epoch === epoch && cached.fragment.session.id === sessionId;
    const corrupt = raw !== null && (cached === null || cached.fragment.session.id !== sessionId);
    statsFor(app).add("session", hit ? { hits: 1 } : { misses: 1, corrupt: corrupt ? 1 : 0 });
    if (hit) return { fragment: cached.fragment, cachedRaw: raw };
  }
  const loaded = await loadFromDb(app, sessionId);
  if (!loaded) return null;
  // A stale-epoch or corrupt value is overwritten (compare-and-set against it); a tombstone never.
  const written = trusted ? await store(app, loaded, epoch, raw) : null;
  return { fragment: loaded, cachedRaw: written };
}
