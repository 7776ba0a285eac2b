// Builds the migrated + seeded template database once per test run (skipped when it already exists
// for the current migrations), and drops the per-file databases at the end.
//
// Several checkouts (on different migrations) may run their suites on one server at the same time,
// each with its own template. So a template is only dropped once nobody has used it for STALE_MS:
// every run stamps the template it uses with the time (COMMENT ON DATABASE), and the clean-up reads
// and drops under an advisory lock that the stamping takes too.
import { rm } from "node:fs/promises";
import type pg from "pg";
import { loadConfig } from "../../src/config.js";
import { createDatabase } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrations/apply.js";
import { seed } from "../../src/db/seed.js";
import { createPasswordHasher } from "../../src/modules/credentials/passwords.js";
import { createLogger } from "../../src/observability/log.js";
import { TEST_DB_PREFIX, TEST_ENV, TEST_ADMIN, templateName, testOutboxDir, urlFor, withServer } from "./pg.js";

const STALE_MS = 6 * 3600_000;
/** Advisory lock key serialising template stamps and drops (any constant shared by all checkouts). */
const TEMPLATE_LOCK = 0x61677470;
const TEMPLATES = "authgraph\\_tpl\\_%";

async function withTemplateLock<T>(c: pg.Client, fn: () => Promise<T>): Promise<T> {
  await c.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK]);
  try {
    return await fn();
  } finally {
    await c.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK]);
  }
}

/** Stamps `database` as used now; false when it does not exist. */
async function markUsed(c: pg.Client, database: string): Promise<boolean> {
  // COMMENT ON DATABASE only warns about a database that does not exist: ask first.
  const found = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
  if (found.rowCount !== 1) return false;
  await c.query(`COMMENT ON DATABASE "${database}" IS '${Date.now()}'`);
  return true;
}

/**
 * Drops templates (and abandoned template builds) of any checkout not used for STALE_MS. One without
 * a stamp (made before stamps existed) gets one now, so its age counts from here.
 */
async function dropStaleTemplates(c: pg.Client, current: string): Promise<void> {
  await withTemplateLock(c, async () => {
    const rows = await c.query<{ datname: string; stamp: string | null }>(
      "SELECT datname, shobj_description(oid, 'pg_database') AS stamp FROM pg_database WHERE datname LIKE $1 AND datname <> $2",
      [TEMPLATES, current],
    );
    for (const { datname, stamp } of rows.rows) {
      const usedAt = Number(stamp);
      if (!stamp || !Number.isFinite(usedAt)) await markUsed(c, datname);
      else if (Date.now() - usedAt > STALE_MS) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
}

async function buildTemplate(template: string): Promise<void> {
  const building = `${template}_build_${process.pid}`;
  await withServer(async (c) => {
    await c.query(`CREATE DATABASE "${building}"`);
    await markUsed(c, building);
  });
  const config = loadConfig({ ...TEST_ENV, DATABASE_URL: urlFor(building) });
  const db = await createDatabase(config);
  try {
    await migrateDatabase(db, createLogger(config));
    await seed(db.prisma, createPasswordHasher(config), TEST_ADMIN);
  } finally {
    await db.close();
  }
  await withServer(async (c) => {
    try {
      await c.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } catch (error) {
      // Another run built it meanwhile: keep theirs.
      await c.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      if (!String(error).includes("already exists")) throw error;
    }
    await withTemplateLock(c, () => markUsed(c, template));
  });
}

export async function setup(): Promise<void> {
  // Tags this run's databases so teardown never drops those of a concurrent run.
  process.env.AUTHGRAPH_TEST_RUN = Date.now().toString(36);
  const template = templateName();
  const exists = await withServer((c) => withTemplateLock(c, () => markUsed(c, template)));
  if (!exists) await buildTemplate(template);
  await withServer((c) => dropStaleTemplates(c, template));
}

export async function teardown(): Promise<void> {
  await rm(testOutboxDir(), { recursive: true, force: true });
  await withServer(async (c) => {
    const rows = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${TEST_DB_PREFIX}${process.env.AUTHGRAPH_TEST_RUN ?? "x"}_%`]);
    for (const row of rows.rows) await c.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  });
}
