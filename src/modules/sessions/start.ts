// Creating sessions (inside the sign-in or sign-up transaction) and refreshing them explicitly.
import { randomUUID } from "node:crypto";
import type { App, RequestMeta } from "../../app.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { afterCommit } from "../../db/after-commit.js";
import { UnauthenticatedError } from "../../errors.js";
import { publishSessionEvent } from "../live/publish.js";
import { SESSION_SELECT, publicSession } from "./session.js";
import type { AuthMethod, SessionAuth, SessionRecord, StoredSession, Viewer } from "./session.js";
import { replaceFragment } from "./store.js";
import { formatToken, generateSecret, hashSecret } from "./tokens.js";

/** The idle expiry from `now`, never past the absolute lifetime. */
export function slidingExpiry(app: App, now: Date, absoluteExpiresAt: Date): Date {
  const idle = now.getTime() + app.config.SESSION_IDLE_TTL_SECONDS * 1000;
  return new Date(Math.min(idle, absoluteExpiresAt.getTime()));
}

export interface NewSession {
  token: string;
  session: SessionRecord;
}

/** A new session's secret and the row that stores its hash; the id is chosen here (a v4 uuid, as Prisma would). */
export function newSessionRow(app: App, userId: string, request: RequestMeta, auth: SessionAuth) {
  const now = app.clock.now();
  const secret = generateSecret();
  const absoluteExpiresAt = new Date(now.getTime() + app.config.SESSION_ABSOLUTE_TTL_SECONDS * 1000);
  const row = {
    id: randomUUID(),
    userId,
    tokenHash: hashSecret(secret),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: slidingExpiry(app, now, absoluteExpiresAt),
    absoluteExpiresAt,
    ip: request.ip,
    userAgent: request.userAgent,
    authMethods: [...auth.methods],
    mfaAt: auth.mfaAt,
  };
  return { secret, row };
}

/** The token for a session row written in `tx`; other instances hear of the sign-in once `tx` commits. */
/** `tx`: the transaction that wrote the row (announced once it commits); null: the row is committed. */
export function issueSession(app: App, tx: Prisma.TransactionClient | null, session: SessionRecord, secret: string): NewSession {
  const announce = (): void => publishSessionEvent(app, { kind: "NEW_SIGN_IN", sessionId: session.id, userId: session.userId, at: session.createdAt.toISOString() });
  if (tx) afterCommit(tx, announce);
  else announce();
  return { token: formatToken(session.id, secret), session };
}

/** Create a session row inside `tx` (the caller's transaction also records the audit event). */
export async function createSessionInTx(
  app: App,
  tx: Prisma.TransactionClient,
  userId: string,
  request: RequestMeta,
  auth: SessionAuth = { methods: ["password"], mfaAt: null },
): Promise<NewSession> {
  const { secret, row } = newSessionRow(app, userId, request, auth);
  const created = await tx.session.create({ data: row, select: SESSION_SELECT });
  return issueSession(app, tx, publicSession(created), secret);
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
    await app.audit.record(
      tx,
      { type: "SESSION_REFRESHED", actorUserId: viewer.user.id, subjectUserId: viewer.user.id, sessionId: viewer.session.id, metadata: { expiresAt: expiresAt.toISOString() } },
      request,
    );
    return updated;
  });
  // Not a plain delete: that could remove the tombstone of a revoke that committed right after us.
  await replaceFragment(app, { session: row, user: viewer.user });
  publishSessionEvent(app, { kind: "REFRESHED", sessionId: row.id, userId: row.userId, at: now.toISOString(), expiresAt: expiresAt.toISOString() });
  return publicSession(row);
}

/**
 * The session just proved a second factor: mfaAt is now and the method joins authMethods. Null when
 * the session ended meanwhile. The caller puts the row into the cache after its commit (replaceFragment).
 */
export async function recordMfaInTx(app: App, tx: Prisma.TransactionClient, sessionId: string, method: AuthMethod): Promise<StoredSession | null> {
  const now = app.clock.now();
  const current = await tx.session.findUnique({ where: { id: sessionId }, select: { authMethods: true } });
  if (!current) return null;
  const [row] = await tx.session.updateManyAndReturn({
    where: { id: sessionId, revokedAt: null, expiresAt: { gt: now } },
    data: { mfaAt: now, authMethods: [...new Set([...current.authMethods, method])] },
    select: SESSION_SELECT,
  });
  return row ?? null;
}
