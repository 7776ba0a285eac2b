// Shared by the migration runner tests: throwaway databases on the test server (dropped after each
// test), writable copies of migration fixtures, and readers for what a run left behind.
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach } from "vitest";
import { SERVER_URL, urlFor, withServer } from "./pg.js";

export const PROJECT_MIGRATIONS = "prisma/migrations";
export const FIXTURES = "test/db/migration-fixtures";
export const RESOLVE_HINT = "Fix the database, then mark it rolled back (see README) before running again.";

export { urlFor };

/** Runs `fn` on a connection to `url` (default: the server's maintenance database). */
export async function onServer<T>(fn: (client: pg.Client) => Promise<T>, url = SERVER_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export const query = <R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> =>
  onServer((c) => c.query<R>(sql, params), url).then((r) => r.rows);

/**
 * Registers the clean-up and returns `tempDatabase()` (a fresh, empty database) and `copyOf(dir)` (a
 * writable copy of a migrations fixture), both removed after each test.
 */
export function useScratch(): { tempDatabase(): Promise<string>; copyOf(dir: string): Promise<string> } {
  const created: string[] = [];
  const tempDirs: string[] = [];
  afterEach(async () => {
    const names = created.splice(0);
    await withServer(async (c) => {
      for (const name of names) {
        // Let the code under test finish closing its connections first: terminating one it is still
        // closing would fail that code, not the test. FORCE only for what is left after a while.
        const connected = async (): Promise<number> =>
          (await c.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name])).rows[0]?.n ?? 0;
        for (let i = 0; i < 100 && (await connected()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
    });
    for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return {
    async tempDatabase() {
      const name = `mig_${randomBytes(6).toString("hex")}`;
      await withServer((c) => c.query(`CREATE DATABASE "${name}"`));
      created.push(name);
      return urlFor(name);
    },
    async copyOf(dir) {
      const target = await mkdtemp(join(tmpdir(), "authgraph-migrations-"));
      tempDirs.push(target);
      await cp(dir, target, { recursive: true });
      return target;
    },
  };
}

export async function shadowDatabases(): Promise<string[]> {
  const rows = await query<{ datname: string }>(SERVER_URL, "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'");
  return rows.map((r) => r.datname);
}

export async function tables(url: string): Promise<string[]> {
  const rows = await query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  return rows.map((r) => r.tablename);
}

export interface MigrationRow {
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}

export const migrationRows = (url: string): Promise<MigrationRow[]> =>
  query<MigrationRow>(
    url,
    'SELECT migration_name, checksum, started_at, finished_at, rolled_back_at, logs, applied_steps_count FROM "_prisma_migrations" ORDER BY started_at, migration_name',
  );

export async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}
