// Test databases on the real PostgreSQL server: one migrated + seeded template per migrations
// version (built once by global-setup), cloned per test file so files run in parallel in isolation.
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export const SERVER_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** The admin account every cloned database starts with. */
export const TEST_ADMIN = { email: "admin@test.local", password: "admin-password-123" };

/** Cheap argon2 parameters and a patient cache time box for tests (the production defaults are OWASP's and 50 ms). */
export const TEST_ENV = {
  NODE_ENV: "test",
  LOG_LEVEL: "silent",
  ARGON2_MEMORY_KIB: "1024",
  ARGON2_TIME_COST: "1",
  ADMIN_EMAIL: TEST_ADMIN.email,
  ADMIN_PASSWORD: TEST_ADMIN.password,
  MIGRATE_ON_START: "false",
  SESSION_CLEANUP_INTERVAL_SECONDS: "0",
  AUDIT_PURGE_INTERVAL_SECONDS: "0",
  // A Redis reply delayed past the 50 ms default by a busy machine would be a miss (and count
  // against the breaker), changing the SQL and cache counts tests pin. Tests of the time box and
  // the breaker set their own.
  CACHE_TIMEOUT_MS: "1000",
  // A fixed test key: TOTP secrets are sealed with it (never a production key).
  MFA_ENCRYPTION_KEY: "6d66612d746573742d6b65792d6f6e6c792d666f722d74657374732d2d2d2d21",
  // Account mail is off unless a test turns it on (mailTest in test/helpers/smtp.ts, with an SMTP
  // server of its own): its background delivery appends audit events that tests counting events
  // after a sign-up would otherwise race with. Without SMTP_URL, .eml files go to this run's folder.
  MAIL_ENABLED: "false",
  MAIL_OUTBOX_DIR: testOutboxDir(),
  MAIL_DRAIN_INTERVAL_SECONDS: "0",
  // Tests that need start-up retries or a drain delay set their own.
  DATABASE_START_TIMEOUT_MS: "0",
  SHUTDOWN_DRAIN_DELAY_MS: "0",
} as const;

export function testOutboxDir(): string {
  return join(tmpdir(), `authgraph-outbox-${process.env.AUTHGRAPH_TEST_RUN ?? "x"}`);
}

export function urlFor(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Name of the template for the current migrations + seed code (changes when either changes). */
export function templateName(): string {
  const hash = createHash("sha256");
  const root = new URL("../../", import.meta.url).pathname;
  const dir = join(root, "prisma/migrations");
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else hash.update(name).update(readFileSync(p));
    }
  };
  walk(dir);
  for (const f of ["src/db/seed.ts", "src/modules/rbac/catalogue.ts", "test/helpers/pg.ts"]) hash.update(readFileSync(join(root, f)));
  return `authgraph_tpl_${hash.digest("hex").slice(0, 12)}`;
}

export const TEST_DB_PREFIX = "authgraph_t_";

/** A fresh database cloned from the template. Drop it with `dropDatabase` when the file is done. */
export async function cloneTemplate(): Promise<string> {
  const name = `${TEST_DB_PREFIX}${process.env.AUTHGRAPH_TEST_RUN ?? "x"}_${randomBytes(5).toString("hex")}`;
  const template = templateName();
  await withServer(async (c) => {
    // Concurrent clones of one template can collide ("being accessed by other users"): retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (error) {
        if (attempt >= 20 || !String(error).includes("being accessed")) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  await withServer((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
