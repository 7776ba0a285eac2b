// Builds the migrated + seeded template database once per test run (skipped when it already exists
// for the current migrations), and drops the per-file databases at the end.
import { loadConfig } from "../../src/config.js";
import { createDatabase } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrations/apply.js";
import { seed } from "../../src/db/seed.js";
import { createPasswordHasher } from "../../src/modules/credentials/passwords.js";
import { createLogger } from "../../src/observability/log.js";
import { TEST_DB_PREFIX, TEST_ENV, TEST_ADMIN, templateName, urlFor, withServer } from "./pg.js";

export async function setup(): Promise<void> {
  // Tags this run's databases so teardown never drops those of a concurrent run.
  process.env.AUTHGRAPH_TEST_RUN = Date.now().toString(36);
  const template = templateName();
  const exists = await withServer(async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [template])).rowCount === 1);
  if (exists) return;
  const building = `${template}_build_${process.pid}`;
  await withServer((c) => c.query(`CREATE DATABASE "${building}"`));
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
    // Templates of other migration versions are left alone: another checkout may be running on them.
  });
}

export async function teardown(): Promise<void> {
  await withServer(async (c) => {
    const rows = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${TEST_DB_PREFIX}${process.env.AUTHGRAPH_TEST_RUN ?? "x"}_%`]);
    for (const row of rows.rows) await c.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  });
}
