// The long-lived services of one gateway instance, built once at start (or once per test instance)
// from a Config: database (migrated and seeded when asked), cache, domain services. Shared by
// `npm start`, the CLI jobs and the test-instance factory, so they cannot drift apart.
import { readFileSync } from "node:fs";
import { projectFile } from "./project-root.js";
import type { Config } from "./config.js";
import { createDatabase } from "./db/client.js";
import type { Database } from "./db/client.js";
import { migrateDatabase } from "./db/migrations/apply.js";
import { seed } from "./db/seed.js";
import type { SeedResult } from "./db/seed.js";
import { createCache } from "./cache/connect.js";
import type { Cache } from "./cache/types.js";
import type { Logger } from "./observability/log.js";
import { metricsOf } from "./observability/metrics.js";
import { createPasswordHasher } from "./modules/credentials/passwords.js";
import type { PasswordHasher } from "./modules/credentials/passwords.js";
import { createLockout } from "./modules/credentials/lockout.js";
import type { Lockout } from "./modules/credentials/lockout.js";
import { createLoginLimiter } from "./modules/credentials/login-limiter.js";
import type { LoginLimiter } from "./modules/credentials/login-limiter.js";
import { createAuditRecorder } from "./modules/audit/recorder.js";
import type { AuditRecorder } from "./modules/audit/recorder.js";
import { createSecretBox } from "./modules/mfa/secret-box.js";
import type { SecretBox } from "./modules/mfa/secret-box.js";
import { createMailer } from "./modules/mail/mailer.js";
import { createMailService } from "./modules/mail/delivery.js";
import type { MailService } from "./modules/mail/delivery.js";
import { ACCOUNT_MAIL_COMPOSERS } from "./modules/users/account-mail.js";
import { createLive } from "./modules/live/live.js";
import type { Live } from "./modules/live/live.js";
import { startOutboxDrain } from "./modules/sessions/invalidation-outbox.js";

/** Time source, injectable so tests can move the clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Who is asking and from where: recorded on sessions and audit events, never taken from client input. */
export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export interface App {
  config: Config;
  db: Database;
  cache: Cache;
  log: Logger;
  clock: Clock;
  passwords: PasswordHasher;
  loginLimiter: LoginLimiter;
  lockout: Lockout;
  audit: AuditRecorder;
  /** Seals TOTP secrets with MFA_ENCRYPTION_KEY; null when no key is configured (TOTP unavailable). */
  mfaSecrets: SecretBox | null;
  /** Account mail: the outbox, delivered after commit with retries. */
  mail: MailService;
  /** Live streams (subscriptions) and their fan-out across instances. */
  live: Live;
  /** ms since epoch at start, for uptime. */
  startedAt: number;
  version: string;
  /** Background work (cleanup intervals) to stop on shutdown. */
  disposers: (() => Promise<void> | void)[];
  /** Set on SIGTERM: /ready answers 503 so load balancers stop sending, while requests are still served. */
  lifecycle: { draining: boolean };
}

/** The package version (src/ under tsx, dist/src/ when built). */
export const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(projectFile("package.json"), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
})();

export interface CreateAppOptions {
  log: Logger;
  clock?: Clock;
  /** Apply migrations and seed (start-up does; tests on a cloned template do not need to). */
  migrate?: boolean;
}

export async function createApp(config: Config, options: CreateAppOptions): Promise<{ app: App; seeded: SeedResult | null }> {
  const { log } = options;
  const db = await createDatabase(config, { log: (level, msg, extra) => log[level]({ ...extra }, msg) });
  let seeded: SeedResult | null = null;
  try {
    const passwords = createPasswordHasher(config);
    if (options.migrate ?? config.MIGRATE_ON_START) {
      const applied = await migrateDatabase(db, log);
      if (applied.length > 0) log.info({ applied }, `applied ${applied.length} migration(s)`);
      seeded = await seed(db.prisma, passwords, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
    }
    const cache = await createCache(config, log);
    const clock = options.clock ?? systemClock;
    const audit = createAuditRecorder(config, clock, db, log, () => db.pool.waitingCount > 0);
    const mail = createMailService({ config, db, clock, log, audit }, createMailer(config, log), ACCOUNT_MAIL_COMPOSERS);
    const app: App = {
      config,
      db,
      cache,
      log,
      clock,
      passwords,
      loginLimiter: createLoginLimiter(config, cache),
      lockout: createLockout({ config, cache, db }),
      audit,
      mfaSecrets: createSecretBox(config),
      mail,
      live: createLive({ config, log, db, audit }),
      startedAt: Date.now(),
      version: VERSION,
      disposers: [],
      lifecycle: { draining: false },
    };
    // Part of the revocation guarantee, not an optional job: every instance that reaches Redis writes
    // the tombstones another one could not.
    app.disposers.push(startOutboxDrain(app));
    app.live.streams.register(metricsOf(app).registry);
    return { app, seeded };
  } catch (error) {
    await db.close();
    throw error;
  }
}

export async function closeApp(app: App): Promise<void> {
  for (const dispose of app.disposers.splice(0).reverse()) await dispose();
  // A last pass links what this process wrote; its announcement still reaches the live streams.
  await app.audit.linker.close();
  // Streams complete before the connections under them go.
  await app.live.close();
  // Before the database closes: a delivery round in flight still writes its outcome.
  await app.mail.close();
  await app.cache.close();
  await app.db.close();
}
