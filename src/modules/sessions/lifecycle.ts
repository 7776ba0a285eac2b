// The session lifecycle: validate (per request), create, extend, refresh, revoke, clean up.
// Postgres is the record; the cache holds fragments (session-store.ts) that every revoke removes
// BEFORE returning, so no instance sharing the cache accepts a revoked token afterwards.
import type { App } from "../../app.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { keys } from "../../cache/keys.js";
import { invalidate } from "../../cache/invalidation.js";
import { NotFoundError, UnauthenticatedError } from "../../errors.js";
import { record } from "../audit/append.js";
import { auditOptions } from "../audit/recorder.js";
import { formatToken, generateSecret, hashSecret, parseToken, secretMatches } from "./tokens.js";
import { getSessionFragment, loadFromDb, replaceFragment, writeFragment, SESSION_SELECT } from "./store.js";
import type { LoadedFragment, SessionFragment } from "./store.js";
import type { RequestMeta, SessionRecord, Viewer } from "../types.js";

export { bearerToken } from "./tokens.js";

type Tx = Prisma.TransactionClient;

/** Options for every interactive transaction of the session lifecycle. */
export const TX_OPTIONS = {
  // Longer than the client-wide defaults (src/db/client.ts): sign-in and revoke bursts are this
  // gateway's hot spot, the pool has DATABASE_POOL_MAX connections (one when embedded) and every
  // audited transaction queues on the audit-chain lock. With Prisma's 2 s, 100 concurrent sign-ins
  // failed with P2028; waiting is the better failure mode for an auth gateway.
  maxWait: 10_000,
  timeout: 15_000,
} as const;

function publicSession(s: SessionFragment["session"]): SessionRecord {
  const { tokenHash: _omit, ...rest } = s;
  return rest;
}

export function isActive(session: SessionRecord, now: Date): boolean {
  return session.revokedAt === null && session.expiresAt > now && session.absoluteExpiresAt > now;
}

/** The viewer for a bearer token, or null for anything malformed, unknown, expired, revoked or disabled. */
export async function resolveViewer(app: App, token: string | null): Promise<Viewer | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const loaded = await getSessionFragment(app, parsed.sessionId);
  if (!loaded || !secretMatches(parsed.secret, loaded.fragment.session.tokenHash)) return null;
  const now = app.clock.now();
  if (!isUsable(loaded.fragment, now)) return null;
  const fragment = await maybeExtend(app, loaded, now);
  return fragment && isUsable(fragment, now) ? { session: publicSession(fragment.session), user: fragment.user } : null;
}

function isUsable(fragment: SessionFragment, now: Date): boolean {
  return isActive(fragment.session, now) && fragment.user.status === "ACTIVE";
}

// Extensions in flight per app and session: concurrent requests on one instance share one UPDATE
// instead of each sending a conditional UPDATE that all but one would lose.
const extending = new WeakMap<App, Map<string, Promise<SessionFragment | null>>>();

/**
 * Sliding expiry on use, written at most once per refresh interval: the conditional UPDATE matches
 * only the lastSeenAt we read, so concurrent requests (even on other instances) write once.
 */
async function maybeExtend(app: App, loaded: LoadedFragment, now: Date): Promise<SessionFragment | null> {
  const { fragment } = loaded;
  const { session } = fragment;
  const intervalMs = app.config.SESSION_REFRESH_INTERVAL_SECONDS * 1000;
  if (now.getTime() - session.lastSeenAt.getTime() < intervalMs) return fragment;
  let inFlight = extending.get(app);
  if (!inFlight) extending.set(app, (inFlight = new Map()));
  const pending = inFlight.get(session.id);
  if (pending) return pending;
  const run = extend(app, loaded, now)
    .catch((err: unknown) => {
      // Extension is an optimisation of a valid session: failing it must not fail the request.
      app.log.warn({ err, sessionId: session.id }, "session extension failed");
      return fragment;
    })
    .finally(() => inFlight.delete(session.id));
  inFlight.set(session.id, run);
  return run;
}

async function extend(app: App, { fragment, cachedRaw }: LoadedFragment, now: Date): Promise<SessionFragment | null> {
  const { session } = fragment;
  const expiresAt = slidingExpiry(app, now, session.absoluteExpiresAt);
  const { count } = await app.db.prisma.session.updateMany({
    where: { id: session.id, lastSeenAt: session.lastSeenAt, revokedAt: null },
    data: { lastSeenAt: now, expiresAt },
  });
  // A DB-loaded fragment was just written back, so compare against that; a cached one against its raw.
  const expected = cachedRaw ?? JSON.stringify(fragment);
  if (count === 1) {
    const extended = { session: { ...session, lastSeenAt: now, expiresAt }, user: fragment.user };
    await writeFragment(app, extended, expected);
    return extended;
  }
  // The row moved on without us: another instance extended it, an explicit refresh wrote it, or it
  // was revoked. Our copy is stale; without this, a stale cached copy would send a losing UPDATE on
  // every request until it expired. Reload, and let the caller judge the fresh row.
  const fresh = await loadFromDb(app, session.id);
  if (fresh) await writeFragment(app, fresh, expected);
  return fresh;
}

export function slidingExpiry(app: App, now: Date, absoluteExpiresAt: Date): Date {
  const idle = now.getTime() + app.config.SESSION_IDLE_TTL_SECONDS * 1000;
  return new Date(Math.min(idle, absoluteExpiresAt.getTime()));
}

export interface NewSession {
  token: string;
  session: SessionRecord;
}

/** Create a session row inside `tx` (the caller's transaction also records the audit event). */
export async function createSessionInTx(app: App, tx: Tx, userId: string, request: RequestMeta): Promise<NewSession & { tokenHash: string }> {
  const now = app.clock.now();
  const secret = generateSecret();
  const tokenHash = hashSecret(secret);
  const absoluteExpiresAt = new Date(now.getTime() + app.config.SESSION_ABSOLUTE_TTL_SECONDS * 1000);
  const row = await tx.session.create({
    data: {
      userId,
      tokenHash,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: slidingExpiry(app, now, absoluteExpiresAt),
      absoluteExpiresAt,
      ip: request.ip,
      userAgent: request.userAgent,
    },
    select: SESSION_SELECT,
  });
  return { token: formatToken(row.id, secret), session: publicSession(row), tokenHash };
}

/** Explicit refresh: extend the idle expiry now (capped by the absolute lifetime). */
export async function refreshSession(app: App, viewer: Viewer, request: RequestMeta): Promise<SessionRecord> {
  const now = app.clock.now();
  const expiresAt = slidingExpiry(app, now, viewer.session.absoluteExpiresAt);
  const row = await app.db.prisma.$transaction(async (tx) => {
    // Only a live session: a revoke that committed after this request resolved its viewer wins.
    const [updated] = await tx.session.updateManyAndReturn({
      where: { id: viewer.session.id, revokedAt: null, expiresAt: { gt: now } },
      data: { lastSeenAt: now, expiresAt },
      select: SESSION_SELECT,
    });
    if (!updated) throw new UnauthenticatedError("This session has ended.");
    await record(
      tx,
      { type: "SESSION_REFRESHED", actorUserId: viewer.user.id, subjectUserId: viewer.user.id, sessionId: viewer.session.id, metadata: { expiresAt: expiresAt.toISOString() } },
      request,
      auditOptions(app),
      now,
    );
    return updated;
  }, TX_OPTIONS);
  // Not a plain delete: that could remove the tombstone of a revoke that committed right after us.
  await replaceFragment(app, { session: row, user: viewer.user });
  return publicSession(row);
}

export type RevokeReason = "signed_out" | "revoked" | "revoked_all" | "password_changed" | "user_disabled" | "user_locked";

export interface Revocation {
  /** Sessions this call revoked (a concurrent revoke of the same session counts for only one of them). */
  revoked: string[];
  /**
   * Cache entries to tombstone: the revoked sessions plus matching ones a concurrent call revoked
   * but may not have tombstoned yet, so that THIS call also returns only once no instance accepts them.
   */
  invalidate: string[];
}

/**
 * Revoke sessions matching `where` inside `tx`. The UPDATE itself decides which call revoked a row:
 * under READ COMMITTED a concurrent revoke's row is re-checked after it commits and no longer matches
 * `revokedAt: null`, so the ids returned (and audited) are exactly the ones this call changed.
 */
export async function revokeSessionsInTx(
  app: App,
  tx: Tx,
  where: Prisma.SessionWhereInput,
  reason: RevokeReason,
  audit: (tx: Tx, revokedIds: string[]) => Promise<void>,
): Promise<Revocation> {
  const now = app.clock.now();
  const rows = await tx.session.updateManyAndReturn({
    where: { AND: [where, { revokedAt: null }] },
    data: { revokedAt: now, revokedReason: reason },
    select: { id: true },
  });
  const revoked = rows.map((r) => r.id);
  // Expired sessions are refused whatever the cache says, so only unexpired ones need a tombstone.
  const others = await tx.session.findMany({
    where: { AND: [where, { revokedAt: { not: null } }, { expiresAt: { gt: now } }, { id: { notIn: revoked } }] },
    select: { id: true },
  });
  await audit(tx, revoked);
  return { revoked, invalidate: [...revoked, ...others.map((o) => o.id)] };
}

/**
 * Revoke sessions in Postgres, then tombstone their cache entries and broadcast the invalidation, all
 * before returning. `audit` runs in the same transaction as the update. With `existingTx` the caller
 * owns the transaction and must invalidate after its commit (prefer revokeSessionsInTx for that).
 * Returns the ids this call revoked.
 */
export async function revokeSessions(
  app: App,
  where: Prisma.SessionWhereInput,
  reason: RevokeReason,
  audit: (tx: Tx, revokedIds: string[]) => Promise<void>,
  existingTx?: Tx,
): Promise<string[]> {
  if (existingTx) return (await revokeSessionsInTx(app, existingTx, where, reason, audit)).revoked;
  const result = await app.db.prisma.$transaction((tx) => revokeSessionsInTx(app, tx, where, reason, audit), TX_OPTIONS);
  await invalidateSessions(app, result.invalidate);
  return result.revoked;
}

/** Tombstone session fragments and broadcast it; call after the revoking transaction committed. */
export async function invalidateSessions(app: App, sessionIds: readonly string[]): Promise<void> {
  await invalidate(app, { tombstones: sessionIds.map((id) => keys.session(id)) });
}

export async function revokeSessionById(app: App, viewer: Viewer, sessionId: string, request: RequestMeta): Promise<SessionRecord> {
  const existing = await app.db.prisma.session.findUnique({ where: { id: sessionId }, select: { userId: true } });
  if (!existing) throw new NotFoundError("Session");
  await revokeSessions(app, { id: sessionId }, viewer.session.id === sessionId ? "signed_out" : "revoked", async (tx, ids) => {
    await record(
      tx,
      { type: "SESSION_REVOKED", actorUserId: viewer.user.id, subjectUserId: existing.userId, sessionId, metadata: { alreadyRevoked: ids.length === 0 } },
      request,
      auditOptions(app),
      app.clock.now(),
    );
  });
  const row = await app.db.prisma.session.findUniqueOrThrow({ where: { id: sessionId }, select: SESSION_SELECT });
  return publicSession(row);
}

export async function signOut(app: App, viewer: Viewer, request: RequestMeta): Promise<void> {
  await revokeSessions(app, { id: viewer.session.id }, "signed_out", async (tx) => {
    await record(tx, { type: "SIGNED_OUT", actorUserId: viewer.user.id, subjectUserId: viewer.user.id, sessionId: viewer.session.id }, request, auditOptions(app), app.clock.now());
  });
}

export async function revokeAllSessions(app: App, viewer: Viewer, userId: string, keepCurrent: boolean, request: RequestMeta): Promise<number> {
  const exists = await app.db.prisma.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!exists) throw new NotFoundError("User");
  const keep = keepCurrent && viewer.user.id === userId ? viewer.session.id : null;
  const ids = await revokeSessions(app, { userId, ...(keep ? { id: { not: keep } } : {}) }, "revoked_all", async (tx, revoked) => {
    await record(
      tx,
      { type: "ALL_SESSIONS_REVOKED", actorUserId: viewer.user.id, subjectUserId: userId, sessionId: viewer.session.id, metadata: { count: revoked.length, keptCurrent: keep !== null } },
      request,
      auditOptions(app),
      app.clock.now(),
    );
  });
  return ids.length;
}

/**
 * Delete sessions that expired (or were revoked) more than SESSION_RETENTION_SECONDS ago, in
 * bounded batches: each batch is its own short transaction, so no long lock is ever held.
 */
export async function cleanupExpiredSessions(app: App, actor: { userId: string | null; request: RequestMeta | null }): Promise<number> {
  const cutoff = new Date(app.clock.now().getTime() - app.config.SESSION_RETENTION_SECONDS * 1000);
  const batch = app.config.SESSION_CLEANUP_BATCH_SIZE;
  let total = 0;
  for (;;) {
    const deleted = await app.db.prisma.$executeRaw`
      DELETE FROM sessions WHERE id IN (
        SELECT id FROM sessions
        -- expires_at never exceeds absolute_expires_at, so two indexed predicates cover every case.
        WHERE expires_at < ${cutoff} OR revoked_at < ${cutoff}
        LIMIT ${batch}
        FOR UPDATE SKIP LOCKED)`;
    total += deleted;
    if (deleted < batch) break;
  }
  await app.db.prisma.$transaction(async (tx) => {
    await record(tx, { type: "SESSIONS_CLEANED", actorUserId: actor.userId, metadata: { deleted: total, cutoff: cutoff.toISOString() } }, actor.request, auditOptions(app), app.clock.now());
  }, TX_OPTIONS);
  return total;
}
