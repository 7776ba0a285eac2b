// Deleting sessions that expired (or were revoked) more than SESSION_RETENTION_SECONDS ago, as a job
// of short batches: each batch is one transaction (a bounded DELETE and its SESSIONS_CLEANED audit
// event) holding one pooled connection for milliseconds, with a pause between batches so request
// traffic gets the pool and the rows' locks in between. Whether it finishes never depends on how busy
// the machine is: a batch that cannot get a connection in time is retried with backoff.
import { randomUUID } from "node:crypto";
import type { App } from "../../app.js";
import { isDatabaseUnavailable } from "../../db/connection-errors.js";
import type { JobActor } from "../audit/recorder.js";

export interface CleanupProgress {
  jobId: string;
  /** Rows deleted so far. */
  deleted: number;
  batches: number;
  complete: boolean;
}

interface RunningJob {
  progress: CleanupProgress;
  done: Promise<CleanupProgress>;
}

/** Consecutive failed attempts at one batch (the database unavailable) before the job gives up. */
const MAX_BATCH_RETRIES = 8;

const running = new WeakMap<App, RunningJob>();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function deleteBatch(app: App, actor: JobActor, progress: CleanupProgress, cutoff: Date): Promise<number> {
  const batch = app.config.SESSION_CLEANUP_BATCH_SIZE;
  return app.db.prisma.$transaction(async (tx) => {
    const deleted = await tx.$executeRaw`
      DELETE FROM sessions WHERE id IN (
        SELECT id FROM sessions
        -- expires_at never exceeds absolute_expires_at, so two indexed predicates cover every case.
        WHERE expires_at < ${cutoff} OR revoked_at < ${cutoff}
        LIMIT ${batch}
        FOR UPDATE SKIP LOCKED)`;
    if (deleted > 0) {
      const metadata = { deleted, jobId: progress.jobId, batch: progress.batches + 1, cutoff: cutoff.toISOString() };
      await app.audit.record(tx, { type: "SESSIONS_CLEANED", actorUserId: actor.userId, metadata }, actor.request);
    }
    return deleted;
  });
}

async function run(app: App, actor: JobActor, progress: CleanupProgress, stopped: () => boolean): Promise<CleanupProgress> {
  const cutoff = new Date(app.clock.now().getTime() - app.config.SESSION_RETENTION_SECONDS * 1000);
  let failures = 0;
  while (!stopped()) {
    let deleted: number;
    try {
      deleted = await deleteBatch(app, actor, progress, cutoff);
      failures = 0;
    } catch (err) {
      if (!isDatabaseUnavailable(err) || ++failures > MAX_BATCH_RETRIES) {
        app.log.error({ err, jobId: progress.jobId, deleted: progress.deleted }, "session cleanup stopped; the next run resumes it");
        throw err;
      }
      const delay = Math.min(10_000, 100 * 2 ** failures);
      app.log.warn({ err, jobId: progress.jobId, retryInMs: delay }, "session cleanup batch could not run; retrying");
      await sleep(delay);
      continue;
    }
    progress.deleted += deleted;
    if (deleted > 0) progress.batches++;
    if (deleted < app.config.SESSION_CLEANUP_BATCH_SIZE) {
      progress.complete = true;
      break;
    }
    await sleep(app.config.SESSION_CLEANUP_PAUSE_MS);
  }
  // A run that found nothing is still on the record (who ran it, when, with which cutoff).
  if (progress.complete && progress.deleted === 0) {
    const metadata = { deleted: 0, jobId: progress.jobId, batch: 0, cutoff: cutoff.toISOString() };
    await app.db.prisma.$transaction((tx) => app.audit.record(tx, { type: "SESSIONS_CLEANED", actorUserId: actor.userId, metadata }, actor.request));
  }
  if (progress.deleted > 0) app.log.info({ jobId: progress.jobId, deleted: progress.deleted, batches: progress.batches, complete: progress.complete }, "session cleanup finished");
  return progress;
}

/**
 * Starts a cleanup job (or joins the one this instance is already running) and waits for it at most
 * `waitMs` (default: to the end). The job goes on in the background after that; the progress
 * returned is a snapshot. Shutdown stops it between batches.
 */
export async function cleanupExpiredSessions(app: App, actor: JobActor, opts: { waitMs?: number } = {}): Promise<CleanupProgress> {
  let job = running.get(app);
  if (!job) {
    const progress: CleanupProgress = { jobId: randomUUID(), deleted: 0, batches: 0, complete: false };
    let stop = false;
    const dispose = (): void => {
      stop = true;
    };
    app.disposers.push(dispose);
    const done = run(app, actor, progress, () => stop).finally(() => {
      running.delete(app);
      const i = app.disposers.indexOf(dispose);
      if (i >= 0) app.disposers.splice(i, 1);
    });
    job = { progress, done };
    running.set(app, job);
  }
  if (opts.waitMs === undefined) return job.done;
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<null>((r) => (timer = setTimeout(() => r(null), opts.waitMs)));
  // A job that fails after the caller stopped waiting is logged by run(), not left unhandled.
  job.done.catch(() => undefined);
  const finished = await Promise.race([job.done, waited]).finally(() => clearTimeout(timer));
  return finished ?? { ...job.progress };
}
