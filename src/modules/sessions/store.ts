// Cache-aside storage of the session+user fragment under `auth:session:<id>` (TTL = time to expiry).
// Postgres is the record; the cache only saves the per-request lookup.
import { z } from "zod";
import type { App } from "../../app.js";
import { cachedDate } from "../../cache/fragments.js";
import { keys } from "../../cache/keys.js";
import { canTrustCache, TOMBSTONE } from "../../cache/invalidation.js";
import { statsFor } from "../../cache/stats.js";
import { directRows, directStatement } from "../../db/direct.js";
import { userSchema } from "../users/user.js";
import type { UserRecord } from "../users/user.js";
import { cachedSessionUsable } from "./invalidation-outbox.js";
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

// The session joined with its user, in the shape (and key order) of SESSION_SELECT and USER_SELECT.
const SESSION_WITH_USER = directStatement(
  "session_with_user",
  `SELECT s.id::text AS id, s.user_id::text AS "userId", s.created_at AS "createdAt", s.last_seen_at AS "lastSeenAt",
          s.expires_at AS "expiresAt", s.absolute_expires_at AS "absoluteExpiresAt", s.revoked_at AS "revokedAt", s.ip,
          s.user_agent AS "userAgent", s.auth_methods AS "authMethods", s.mfa_at AS "mfaAt", s.metadata, s.token_hash AS "tokenHash",
          u.id::text AS u_id, u.email AS u_email, u.name AS u_name, u.status::text AS u_status,
          u.failed_login_count AS u_failed_login_count, u.locked_until AS u_locked_until, u.last_login_at AS u_last_login_at,
          u.email_verified_at AS u_email_verified_at, u.created_at AS u_created_at, u.updated_at AS u_updated_at
   FROM sessions s JOIN users u ON u.id = s.user_id
   WHERE s.id = $1::uuid`,
);

type SessionWithUserRow = StoredSession & {
  u_id: string;
  u_email: string;
  u_name: string;
  u_status: UserRecord["status"];
  u_failed_login_count: number;
  u_locked_until: Date | null;
  u_last_login_at: Date | null;
  u_email_verified_at: Date | null;
  u_created_at: Date;
  u_updated_at: Date;
};

export async function loadFromDb(app: App, sessionId: string): Promise<SessionFragment | null> {
  const [row] = await directRows<SessionWithUserRow>(app.db.pool, SESSION_WITH_USER, [sessionId]);
  if (!row) return null;
  const { u_id, u_email, u_name, u_status, u_failed_login_count, u_locked_until, u_last_login_at, u_email_verified_at, u_created_at, u_updated_at, ...session } = row;
  const user: UserRecord = {
    id: u_id,
    email: u_email,
    name: u_name,
    status: u_status,
    failedLoginCount: u_failed_login_count,
    lockedUntil: u_locked_until,
    lastLoginAt: u_last_login_at,
    emailVerifiedAt: u_email_verified_at,
    createdAt: u_created_at,
    updatedAt: u_updated_at,
  };
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
