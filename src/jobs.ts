// In-process interval jobs (session and challenge cleanup, audit retention, the audit chain head checkpoint, the mail outbox sweep). Each run is bounded and idempotent, so
// several instances running them at once only duplicate a little work.
import type { App } from "./app.js";
import { cleanupExpiredSessions } from "./modules/sessions/cleanup.js";
import { purgeExpiredChallenges } from "./modules/mfa/challenges.js";
import { SYSTEM_ACTOR } from "./modules/audit/recorder.js";
import { checkpointHead } from "./modules/audit/head.js";
import { purgeAuditEvents } from "./modules/audit/retention.js";

export function startJobs(app: App): void {
  const every = (seconds: number, name: string, job: () => Promise<unknown>) => {
    if (seconds <= 0) return;
    const timer = setInterval(() => {
      job().catch((err: unknown) => app.log.error({ err, job: name }, "background job failed"));
    }, seconds * 1000);
    timer.unref();
    app.disposers.push(() => clearInterval(timer));
  };
  every(app.config.SESSION_CLEANUP_INTERVAL_SECONDS, "sessions:cleanup", async () => {
    await cleanupExpiredSessions(app, SYSTEM_ACTOR);
    // Second-factor challenges live minutes; the same cadence keeps their table small.
    await purgeExpiredChallenges(app);
  });
  every(app.config.AUDIT_PURGE_INTERVAL_SECONDS, "audit:purge", () => purgeAuditEvents(app));
  every(app.config.AUDIT_HEAD_INTERVAL_SECONDS, "audit:head", () => checkpointHead(app));
  // Messages another instance claimed and never finished, or retries this one's timer missed; and
  // whatever was queued before a restart, right away.
  every(app.config.MAIL_DRAIN_INTERVAL_SECONDS, "mail:drain", () => app.mail.drain());
  app.mail.kick();
}
