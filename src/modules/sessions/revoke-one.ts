// Revoking one session by id: the revoke, its tombstone in the invalidation outbox, its audit event
// and the row as it now is come from ONE statement (atomic without a transaction). The general path
// (revoke.ts) serves the other reasons to revoke, where a Prisma filter picks the rows.
import type { App, RequestMeta } from "../../app.js";
import { keys } from "../../cache/keys.js";
import { Prisma } from "../../generated/prisma/client.js";
import { directSqlRows } from "../../db/direct.js";
import { actorFields } from "../audit/recorder.js";
import { publishSessionEvent } from "../live/publish.js";
import { settleTombstones } from "./invalidation-outbox.js";
import { PUBLIC_SESSION_SELECT } from "./session.js";
import type { SessionRecord, Viewer } from "./session.js";

type Row = SessionRecord & {
  /** This statement revoked it (a concurrent revoke of the same session counts for only one of them). */
  revokedNow: boolean;
  /** Its tombstone's row in the invalidation outbox (int8 as text); null when none was written. */
  outbox: string | null;
  /** Selected so that the audit write runs: a CTE that nothing reads is not evaluated. */
  eventId: string;
};

/**
 * Revokes session `id` unless already revoked, writes its tombstone to the outbox (`withOutbox`) when
 * one is needed, and returns its row: as this statement left it, or as the statement's snapshot saw it.
 * Under READ COMMITTED an UPDATE that waited for a concurrent revoke re-checks the row and skips it,
 * so `revokedNow` is true for exactly one caller. The tombstone is written when this call revoked it,
 * or when it is revoked (or gone) and not yet expired: a concurrent call may not have tombstoned it
 * yet, and THIS call also returns only once no instance accepts it. Expired sessions are refused
 * whatever the cache says.
 */
async function revokeRow(app: App, id: string, reason: string, withOutbox: boolean, now: Date, audit: Prisma.Sql): Promise<Row | null> {
  const key = keys.session(id);
  const rows = await directSqlRows<Row>(app.db.pool, Prisma.sql`
    WITH revoked AS (
      UPDATE sessions SET revoked_at = ${now}::timestamptz, revoked_reason = ${reason}
      WHERE id = ${id}::uuid AND revoked_at IS NULL
      RETURNING id, user_id, created_at, last_seen_at, expires_at, absolute_expires_at, revoked_at, ip, user_agent, auth_methods, mfa_at, metadata
    ), found AS (
      SELECT *, true AS revoked_now FROM revoked
      UNION ALL
      SELECT id, user_id, created_at, last_seen_at, expires_at, absolute_expires_at, revoked_at, ip, user_agent, auth_methods, mfa_at, metadata, false
      FROM sessions WHERE id = ${id}::uuid AND NOT EXISTS (SELECT 1 FROM revoked)
    ), tombstone AS (
      INSERT INTO cache_invalidations (key, created_at)
      SELECT ${key}, ${now}::timestamptz FROM found
      WHERE ${withOutbox}::boolean AND (found.revoked_now OR found.expires_at > ${now}::timestamptz)
      RETURNING id
    ), audited AS (
      SELECT ${audit} AS event_id FROM found
    )
    SELECT id::text AS id, user_id::text AS "userId", created_at AS "createdAt", last_seen_at AS "lastSeenAt",
           expires_at AS "expiresAt", absolute_expires_at AS "absoluteExpiresAt", revoked_at AS "revokedAt", ip,
           user_agent AS "userAgent", auth_methods AS "authMethods", mfa_at AS "mfaAt", metadata,
           revoked_now AS "revokedNow", (SELECT id FROM tombstone)::text AS outbox, (SELECT event_id FROM audited)::text AS "eventId"
    FROM found`);
  return rows[0] ?? null;
}

const publicColumns = (row: Row): SessionRecord => {
  const { revokedNow: _r, outbox: _o, eventId: _e, ...session } = row;
  return session;
};

/**
 * Revoke one session the caller has been authorised for (its owner, or a holder of sessions:revoke):
 * Postgres first, then its cache entry is tombstoned before returning (revoke.ts). Idempotent: a
 * session revoked before is answered as it is, with an audit event saying so. Null when it does not exist.
 */
export async function revokeSession(app: App, viewer: Viewer, id: string, request: RequestMeta): Promise<SessionRecord | null> {
  const reason = viewer.session.id === id ? "signed_out" : "revoked";
  const withOutbox = app.cache.kind !== "memory";
  const now = app.clock.now();
  // The event's subject and whether it was already revoked come from the statement's own row.
  const audit = app.audit.writeSql({ type: "SESSION_REVOKED", ...actorFields(viewer), sessionId: id }, request, {
    subjectUserId: Prisma.sql`found.user_id`,
    metadata: Prisma.sql`jsonb_build_object('alreadyRevoked', NOT found.revoked_now)`,
  });
  const row = await revokeRow(app, id, reason, withOutbox, now, audit);
  if (row) app.audit.linker.poke();
  if (row?.revokedNow) publishSessionEvent(app, { kind: "REVOKED", sessionId: id, userId: row.userId, at: now.toISOString(), reason });
  if (!row) return null;
  if (row.revokedNow || row.expiresAt > now) await settleTombstones(app, [keys.session(id)], row.outbox === null ? [] : [BigInt(row.outbox)]);
  if (row.revokedAt !== null) return publicColumns(row);
  // Revoked by a concurrent call after this statement's snapshot was taken (rare): read it as it is now.
  return app.db.prisma.session.findUnique({ where: { id }, select: PUBLIC_SESSION_SELECT });
}
