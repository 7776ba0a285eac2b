// Cache-aside storage of the session+user fragment under `auth:session:<id>` (TTL = time to expiry).
// Postgres is the record; the cache only saves the per-request lookup.
import type { App } from "../app.js";
import { keys } from "../cache/keys.js";
import { canTrustCache, TOMBSTONE } from "../cache/invalidation.js";
import { statsFor } from "../cache/stats.js";
import type { SessionRecord, UserRecord } from "./types.js";
import { USER_SELECT, reviveUser } from "./users.js";

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

function date(v: unknown): Date | null | undefined {
  if (v === null) return null;
  if (typeof v !== "string") return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function reviveSession(raw: unknown): (SessionRecord & { tokenHash: string }) | null {
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const createdAt = date(r.createdAt);
  const lastSeenAt = date(r.lastSeenAt);
  const expiresAt = date(r.expiresAt);
  const absoluteExpiresAt = date(r.absoluteExpiresAt);
  const revokedAt = date(r.revokedAt);
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

function parse(value: string | null): SessionFragment | null {
  if (value === null || value === SESSION_TOMBSTONE) return null;
  try {
    return reviveFragment(JSON.parse(value));
  } catch {
    return null; // corrupt value: a miss, overwritten below
  }
}

async function loadFromDb(app: App, sessionId: string): Promise<SessionFragment | null> {
  const row = await app.db.prisma.session.findUnique({
    where: { id: sessionId },
    select: { ...SESSION_SELECT, user: { select: USER_SELECT } },
  });
  if (!row) return null;
  const { user, ...session } = row;
  return { session, user };
}

/** Where a fragment came from: the exact cached string (for compare-and-set) or null for a DB load. */
export interface LoadedFragment {
  fragment: SessionFragment;
  cachedRaw: string | null;
}

/**
 * Write a fragment only if the cache still holds what we read (`expectedRaw`, or nothing). A revoke
 * replaces the entry with a tombstone, so a request that read the session before the revoke can
 * never write it back afterwards (the classic cache-aside race).
 */
export async function writeFragment(app: App, fragment: SessionFragment, expectedRaw: string | null): Promise<void> {
  const ttlMs = Math.min(fragment.session.expiresAt.getTime(), fragment.session.absoluteExpiresAt.getTime()) - app.clock.now().getTime();
  // Revoked or expired sessions are not worth caching: a miss costs one indexed lookup.
  if (ttlMs <= 0 || fragment.session.revokedAt || !canTrustCache(app)) return;
  await app.cache.compareAndSet(keys.session(fragment.session.id), expectedRaw, JSON.stringify(fragment), ttlMs);
}

/** Cache first, then Postgres (and write back). While the cache cannot be trusted, Postgres only. */
export async function getSessionFragment(app: App, sessionId: string): Promise<LoadedFragment | null> {
  const trusted = canTrustCache(app);
  let raw: string | null = null;
  if (trusted) {
    raw = await app.cache.get(keys.session(sessionId));
    if (raw === SESSION_TOMBSTONE) return null;
    const cached = parse(raw);
    statsFor(app).add("session", cached ? { hits: 1 } : { misses: 1 });
    if (cached) return { fragment: cached, cachedRaw: raw };
  }
  const loaded = await loadFromDb(app, sessionId);
  if (loaded && trusted) await writeFragment(app, loaded, raw);
  return loaded ? { fragment: loaded, cachedRaw: null } : null;
}
