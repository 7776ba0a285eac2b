// Deleting sessions that expired (or were revoked) more than SESSION_RETENTION_SECONDS ago.
import type { App, RequestMeta } from "../../app.js";

/** Who started a maintenance job: an admin through a mutation, or nobody (interval job, CLI). */
export interface JobActor {
  userId: string | null;
  request: RequestMeta | null;
}

export const SYSTEM_ACTOR: JobActor = { userId: null, request: null };

/** Bounded batches, each its own short statement, so no long lock is ever held. Returns how many were deleted. */
export async function cleanupExpiredSessions(app: App, actor: JobActor): Promise<number> {
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
  await app.db.prisma.$transaction(
    (tx) => app.audit.record(tx, { type: "SESSIONS_CLEANED", actorUserId: actor.userId, metadata: { deleted: total, cutoff: cutoff.toISOString() } }, actor.request),
  );
  return total;
}
