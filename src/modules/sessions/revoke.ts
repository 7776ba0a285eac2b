// Revocation: Postgres first (the record, with the tombstones in the invalidation outbox in the same
// transaction), then the cache entries are tombstoned before returning, so no instance sharing the
// cache accepts a revoked token afterwards, even when this instance cannot reach Redis
// (invalidation-outbox.ts).
import type { App, RequestMeta } from "../../app.js";
import { keys } from "../../cache/keys.js";
import { afterCommit } from "../../db/after-commit.js";
import { NotFoundError } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { actorFields } from "../audit/recorder.js";
import { publishSessionEvent } from "../live/publish.js";
import { recordTombstones, settleTombstones } from "./invalidation-outbox.js";
import { PUBLIC_SESSION_SELECT } from "./session.js";
import type { SessionRecord, Viewer } from "./session.js";

type Tx = Prisma.TransactionClient;

export type RevokeReason =
  | "signed_out"
  | "revoked"
  | "revoked_all"
  | "password_changed"
  | "user_disabled"
  | "user_locked"
  | "password_reset"
  | "account_deleted";

export interface Revocation {
  /** Sessions this call revoked (a concurrent revoke of the same session counts for only one of them). */
  revoked: string[];
  /** Their rows as revoked. */
  rows: SessionRecord[];
  /**
   * Cache entries to tombstone: the revoked sessions plus matching ones a concurrent call revoked
   * but may not have tombstoned yet, so that THIS call also returns only once no instance accepts them.
   */
  invalidate: string[];
  /** Their tombstones' rows in the invalidation outbox. */
  outbox: bigint[];
}

/**
 * Revoke sessions matching `where` inside `tx`. The UPDATE itself decides which call revoked a row:
 * under READ COMMITTED a concurrent revoke's row is re-checked after it commits and no longer matches
 * `revokedAt: null`, so the ids returned (and audited) are exactly the ones this call changed.
 * The caller tombstones `invalidate` after its commit (invalidateSessions).
 */
export async function revokeSessionsInTx(
  app: App,
  tx: Tx,
  where: Prisma.SessionWhereInput,
  reason: RevokeReason,
  audit: (tx: Tx, revokedIds: string[]) => Promise<unknown>,
): Promise<Revocation> {
  const now = app.clock.now();
  const rows = await tx.session.updateManyAndReturn({
    where: { AND: [where, { revokedAt: null }] },
    data: { revokedAt: now, revokedReason: reason },
    select: PUBLIC_SESSION_SELECT,
  });
  const revoked = rows.map((r) => r.id);
  // Expired sessions are refused whatever the cache says, so only unexpired ones need a tombstone.
  const others = await tx.session.findMany({
    where: { AND: [where, { revokedAt: { not: null } }, { expiresAt: { gt: now } }, { id: { notIn: revoked } }] },
    select: { id: true },
  });
  await audit(tx, revoked);
  const invalidate = [...revoked, ...others.map((o) => o.id)];
  const outbox = await recordTombstones(app, tx, invalidate.map((id) => keys.session(id)));
  afterCommit(tx, () => rows.forEach((r) => publishSessionEvent(app, { kind: "REVOKED", sessionId: r.id, userId: r.userId, at: now.toISOString(), reason })));
  return { revoked, rows, invalidate, outbox };
}

/** Tombstone session fragments; call after the revoking transaction committed. */
export async function invalidateSessions(app: App, revocation: Pick<Revocation, "invalidate" | "outbox">): Promise<void> {
  await settleTombstones(app, revocation.invalidate.map((id) => keys.session(id)), revocation.outbox);
}

/** Revoke in its own transaction (with `audit` inside it), then invalidate. */
async function revokeAndInvalidate(
  app: App,
  where: Prisma.SessionWhereInput,
  reason: RevokeReason,
  audit: (tx: Tx, revokedIds: string[]) => Promise<unknown>,
): Promise<Revocation> {
  const result = await app.db.prisma.$transaction((tx) => revokeSessionsInTx(app, tx, where, reason, audit));
  await invalidateSessions(app, result);
  return result;
}

export async function signOut(app: App, viewer: Viewer, request: RequestMeta): Promise<void> {
  await revokeAndInvalidate(app, { id: viewer.session.id }, "signed_out", (tx) =>
    app.audit.record(tx, { type: "SIGNED_OUT", ...actorFields(viewer), subjectUserId: viewer.user.id }, request),
  );
}

export async function revokeAllSessions(app: App, viewer: Viewer, userId: string, keepCurrent: boolean, request: RequestMeta): Promise<number> {
  const exists = await app.db.prisma.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!exists) throw new NotFoundError("User");
  const keep = keepCurrent && viewer.user.id === userId ? viewer.session.id : null;
  const { revoked } = await revokeAndInvalidate(app, { userId, ...(keep ? { id: { not: keep } } : {}) }, "revoked_all", (tx, revoked) =>
    app.audit.record(
      tx,
      { type: "ALL_SESSIONS_REVOKED", ...actorFields(viewer), subjectUserId: userId, metadata: { count: revoked.length, keptCurrent: keep !== null } },
      request,
    ),
  );
  return revoked.length;
}
