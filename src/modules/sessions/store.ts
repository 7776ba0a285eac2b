// Cache-aside storage of the session+user fragment under `auth:session:<id>` (TTL = time to expiry).
// Postgres is the record; the cache only saves the per-request lookup.
import { z } from "zod";
import type { App } from "../../app.js";
import { cachedDate } from "../../cache/fragments.js";
import { keys } from "../../cache/keys.js";
import { canTrustCache, TOMBSTONE } from "../../cache/invalidation.js";
import { statsFor } from "../../cache/stats.js";
import { USER_SELECT, userSchema } from "../users/user.js";
import type { UserRecord } from "../users/user.js";
import { cachedSessionUsable } from "./invalidation-outbox.js";
import { SESSION_SELECT } from "./session.js";
import type { StoredSession } from "./session.js";

/** What the cache holds: the session (with its token hash, needed to check the secret) and its user. */
export interface SessionFragment {
  session: StoredSession;
  user: UserRecord;
}

/**
 * What the cache holds: `{ epoch, session, user }`. The epoch is `auth:epoch:sessions` as read
 * BEFORE the row was loaded; a fragment whose epoch is not the current one is a miss. Instances
 * bump the epoch when they come back from a Redis outage (src/cache/redis.ts), so a fragment
 * cached before the outage cannot bring back a session revoked during it, even when the revoking
 * instance's delete never reached Redis and Redis kept its data.
 */
const stampedSchema = z
  .object({
    epoch: z.string(),
    session: z.object({
      id: z.string(),
      userId: z.string(),
      tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
      createdAt: cachedDate,
      lastSeenAt: cachedDate,
      expiresAt: cachedDate,
      absoluteExpiresAt: cachedDate,
      revokedAt: cachedDate.nullable(),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
      authMethods: z.array(z.string()),
      mfaAt: cachedDate.nullable(),
      metadata: z.json().nullable(),
    }),
    user: userSchema,
  })
  .refine((v) => v.session.userId === v.user.id);

type Stamped = z.infer<typeof stampedSchema>;

function parse(value: string | null): Stamped | null {
  if (value === null || value === TOMBSTONE) return null;
  try {
    const parsed = stampedSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
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
  if (raw === TOMBSTONE) return;
  await store(app, fragment, epochOf(epoch), raw);
}

/**
 * Cache first, then Postgres (and write back). While the cache cannot be trusted, Postgres only.
 * The epoch comes in the same MGET as the fragment: still one round trip per request.
 */
export async function getSessionFragment(app: App, sessionId: string): Promise<LoadedFragment | null> {
  const trusted = cachedSessionUsable(app, keys.session(sessionId));
  let raw: string | null = null;
  let epoch = "0";
  if (trusted) {
    const [epochRaw, value = null] = await app.cache.mget([keys.sessionsEpoch(), keys.session(sessionId)]);
    raw = value;
    if (raw === TOMBSTONE) return null;
    epoch = epochOf(epochRaw);
    const cached = parse(raw);
    // A fragment of another session under this key is as wrong as junk: the token check would
    // refuse a valid caller on it.
    const hit = cached !== null && cached.epoch === epoch && cached.session.id === sessionId;
    const corrupt = raw !== null && (cached === null || cached.session.id !== sessionId);
    statsFor(app).add("session", hit ? { hits: 1 } : { misses: 1, corrupt: corrupt ? 1 : 0 });
    if (hit) return { fragment: { session: cached.session, user: cached.user }, cachedRaw: raw };
  }
  const loaded = await loadFromDb(app, sessionId);
  if (!loaded) return null;
  // A stale-epoch or corrupt value is overwritten (compare-and-set against it); a tombstone never.
  const written = trusted ? await store(app, loaded, epoch, raw) : null;
  return { fragment: loaded, cachedRaw: written };
}
