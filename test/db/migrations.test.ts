// The offline migration runner (src/db/migrate.ts) and the adapter-pg fixes it depends on, against the
// real PostgreSQL server. Every test gets its own `mig_<random>` database, dropped afterwards.
import { createHash, randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createMigrationAdapterFactory } from "../../src/db/migrations/adapter-fixes.js";
import { MigrationError, applyMigrations, createMigration, markMigrationRolledBack, migrationSlug } from "../../src/db/migrations/runner.js";
import { lockfileContent } from "../../src/db/migrations/directory.js";

const SERVER_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PROJECT_MIGRATIONS = "prisma/migrations";
const FIXTURES = "test/db/migration-fixtures";
const RESOLVE_HINT = "Fix the database, then mark it rolled back (see README) before running again.";

function urlFor(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onServer<T>(fn: (client: pg.Client) => Promise<T>, url = SERVER_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const query = <R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) =>
  onServer((c) => c.query<R>(sql, params), url).then((r) => r.rows);

const created: string[] = [];
const tempDirs: string[] = [];

/** A fresh, empty database; dropped after the test. */
async function tempDatabase(): Promise<string> {
  const name = `mig_${randomBytes(6).toString("hex")}`;
  await onServer((c) => c.query(`CREATE DATABASE "${name}"`));
  created.push(name);
  return urlFor(name);
}

/** A writable copy of a migrations fixture (createMigration writes into it). */
async function copyOf(dir: string): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), "authgraph-migrations-"));
  tempDirs.push(target);
  await cp(dir, target, { recursive: true });
  return target;
}

afterEach(async () => {
  const names = created.splice(0);
  await onServer(async (c) => {
    for (const name of names) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function shadowDatabases(): Promise<string[]> {
  const rows = await query<{ datname: string }>(SERVER_URL, "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'");
  return rows.map((r) => r.datname);
}

async function tables(url: string): Promise<string[]> {
  const rows = await query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  return rows.map((r) => r.tablename);
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}

const migrationRows = (url: string) =>
  query<MigrationRow>(
    url,
    'SELECT migration_name, checksum, started_at, finished_at, rolled_back_at, logs, applied_steps_count FROM "_prisma_migrations" ORDER BY started_at, migration_name',
  );

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

describe("applyMigrations", () => {
  it("applies prisma/migrations to an empty database like `prisma migrate deploy`, and a second run is a no-op", async () => {
    const url = await tempDatabase();
    const names = await migrationNames(PROJECT_MIGRATIONS);
    expect(names.length).toBeGreaterThan(0);

    const logged: string[] = [];
    const first = await applyMigrations({ databaseUrl: url, migrationsDir: PROJECT_MIGRATIONS, log: (m) => logged.push(m) });
    expect(first.applied).toEqual(names);
    expect(logged).toContain(`Applying \`${names[0]}\``);

    expect(await tables(url)).toEqual(
      expect.arrayContaining(["_prisma_migrations", "audit_events", "permissions", "role_permissions", "roles", "sessions", "user_roles", "users"]),
    );
    const rows = await migrationRows(url);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const sql = await readFile(join(PROJECT_MIGRATIONS, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1); // what the native engine records for a migration file
    }

    const second = await applyMigrations({ databaseUrl: url, migrationsDir: PROJECT_MIGRATIONS });
    expect(second.applied).toEqual([]);
    expect(await migrationRows(url)).toEqual(rows);
  });

  it("rolls a failing migration back whole, says which one failed and why, then blocks later runs", async () => {
    const url = await tempDatabase();
    const dir = join(FIXTURES, "failing");

    const failure = await applyMigrations({ databaseUrl: url, migrationsDir: dir }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).message).toBe(
      `Migration 20260101000001_second failed: relation "missing" does not exist. ${RESOLVE_HINT}`,
    );
    expect((failure as MigrationError).migrations).toEqual(["20260101000001_second"]);

    // The first migration stays; nothing of the second does (one transaction for the whole script).
    expect(await tables(url)).toEqual(["_prisma_migrations", "first"]);
    expect(await query(url, 'SELECT * FROM "first"')).toEqual([]);
    const rows = await migrationRows(url);
    expect(rows.map((r) => [r.migration_name, r.finished_at !== null, r.applied_steps_count])).toEqual([
      ["20260101000000_first", true, 1],
      ["20260101000001_second", false, 0],
    ]);

    const blocked = await applyMigrations({ databaseUrl: url, migrationsDir: dir }).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(MigrationError);
    expect(blocked).toMatchObject({
      code: "P3009",
      migrations: ["20260101000001_second"],
      message: `Migrations are blocked by the failed migration 20260101000001_second. ${RESOLVE_HINT}`,
    });

    // Once marked rolled back, the next run tries it again (and, still broken, fails the same way).
    await markMigrationRolledBack({ databaseUrl: url, name: "20260101000001_second" });
    await expect(applyMigrations({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(
      `Migration 20260101000001_second failed: relation "missing" does not exist.`,
    );
  });

  it("applies plpgsql `$$` bodies intact", async () => {
    const url = await tempDatabase();
    const { applied } = await applyMigrations({ databaseUrl: url, migrationsDir: join(FIXTURES, "plpgsql") });
    expect(applied).toEqual(["20260101000000_functions"]);
    expect(await query(url, 'SELECT "plus_one"(41) AS v')).toEqual([{ v: 42 }]);
    await expect(query(url, 'INSERT INTO "counters" ("id", "value") VALUES (1, -1)')).rejects.toMatchObject({
      code: "23514",
      message: "negative; not allowed",
    });
  });

  it("serialises concurrent runs on one database with the advisory lock: each migration applies once", async () => {
    const url = await tempDatabase();
    const names = await migrationNames(PROJECT_MIGRATIONS);
    const runs = await Promise.all([
      applyMigrations({ databaseUrl: url, migrationsDir: PROJECT_MIGRATIONS }),
      applyMigrations({ databaseUrl: url, migrationsDir: PROJECT_MIGRATIONS }),
    ]);
    expect(runs.map((r) => r.applied).sort((a, b) => a.length - b.length)).toEqual([[], names]);
    const rows = await migrationRows(url);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it("reports an unreachable database in one line", async () => {
    const url = new URL(urlFor(`mig_missing_${randomBytes(4).toString("hex")}`));
    await expect(applyMigrations({ databaseUrl: url.toString(), migrationsDir: PROJECT_MIGRATIONS })).rejects.toThrow(
      /^Could not connect to the database: Database `mig_missing_[0-9a-f]+` does not exist$/,
    );
  });
});

describe("createMigration", () => {
  it("writes the SQL for a schema change, replaying the history in a separate shadow database it drops", async () => {
    const url = await tempDatabase();
    // Defect 1: were the history replayed on the main database, CREATE TABLE "widgets" would fail here.
    await query(url, 'CREATE TABLE "widgets" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)');
    const dir = await copyOf(join(FIXTURES, "widgets"));
    const before = await shadowDatabases();

    const { path } = await createMigration({
      databaseUrl: url,
      name: "Add colour",
      schemaPath: join(FIXTURES, "widgets/schema-v2.prisma"),
      migrationsDir: dir,
      now: new Date("2026-11-28T12:34:56Z"),
    });

    expect(path).toBe(join(dir, "20261128123456_add_colour", "migration.sql"));
    expect(await readFile(path ?? "", "utf8")).toBe('-- AlterTable\nALTER TABLE "widgets" ADD COLUMN     "colour" TEXT;\n');
    expect(await readFile(join(dir, "migration_lock.toml"), "utf8")).toBe(lockfileContent());
    const leaked = (await shadowDatabases()).filter((name) => !before.includes(name));
    expect(leaked).toEqual([]); // defect 2: dropped, not leaked
    expect(await tables(url)).toEqual(["widgets"]); // the main database is not touched
    expect(await query(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'widgets' ORDER BY 1")).toEqual([
      { column_name: "id" },
      { column_name: "name" },
    ]);

    // With the new migration in place, the same schema has nothing left to migrate.
    const again = await createMigration({ databaseUrl: url, name: "again", schemaPath: join(FIXTURES, "widgets/schema-v2.prisma"), migrationsDir: dir });
    expect(again.path).toBeNull();
    expect(await migrationNames(dir)).toEqual(["20260101000000_widgets", "20261128123456_add_colour"]);
  });

  it("returns null and writes nothing when the schema matches the migrations", async () => {
    const url = await tempDatabase();
    const dir = await copyOf(join(FIXTURES, "widgets"));
    const { path } = await createMigration({ databaseUrl: url, name: "noop", schemaPath: join(FIXTURES, "widgets/schema-v1.prisma"), migrationsDir: dir });
    expect(path).toBeNull();
    expect(await migrationNames(dir)).toEqual(["20260101000000_widgets"]);
  });

  it("finds prisma/migrations in step with prisma/schema.prisma (the hand-written SQL adds no drift)", async () => {
    const url = await tempDatabase();
    const dir = await copyOf(PROJECT_MIGRATIONS);
    const { path } = await createMigration({ databaseUrl: url, name: "drift", schemaPath: "prisma/schema.prisma", migrationsDir: dir });
    expect(path, "prisma/schema.prisma has changes no migration covers: run `npm run db:migration:new -- <name>`").toBeNull();
  });

  it("inspects a database with a `\"char\"` (OID 18) column", async () => {
    const url = await tempDatabase();
    const dir = await copyOf(join(FIXTURES, "char-column"));
    const { path } = await createMigration({ databaseUrl: url, name: "note", schemaPath: join(FIXTURES, "char-column/schema.prisma"), migrationsDir: dir });
    expect(await readFile(path ?? "", "utf8")).toContain('ADD COLUMN     "note" TEXT');
  });

  it("makes the CLI's slug of the name", () => {
    expect(migrationSlug("init")).toBe("init");
    expect(migrationSlug("Add user status")).toBe("add_user_status");
    expect(migrationSlug("addUserStatus")).toBe("add_user_status");
    expect(migrationSlug("  café/ünïcode--x ")).toBe("cafe_unicode_x");
  });
});

describe("adapter-pg fixes", () => {
  it("connects the shadow adapter to its own database and drops it after closing the pool (defects 1, 2)", async () => {
    const url = await tempDatabase();
    const factory = createMigrationAdapterFactory(url);
    try {
      const shadow = await factory.connectToShadowDb();
      const [name] = factory.shadowDatabases;
      const current = await shadow.queryRaw({ sql: "SELECT current_database()", args: [], argTypes: [] });
      expect(current.rows).toEqual([[name]]);
      expect(name).not.toBe(new URL(url).pathname.slice(1));
      // Someone else still connected must not keep the database alive.
      const other = new pg.Client({ connectionString: urlFor(name ?? "") });
      await other.connect();
      other.on("error", () => {}); // terminated by DROP ... WITH (FORCE)
      await shadow.dispose();
      await other.end().catch(() => {});
      expect(await shadowDatabases()).not.toContain(name);
    } finally {
      await factory.close();
    }
  });

  it("runs a script as one statement batch: `$$` bodies survive, a failure leaves nothing (defect 3)", async () => {
    const url = await tempDatabase();
    const factory = createMigrationAdapterFactory(url);
    try {
      const adapter = await factory.connect();
      await adapter.executeScript("CREATE FUNCTION two() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 2; END; $$;\nCREATE TABLE kept (id int);");
      await expect(adapter.executeScript("CREATE TABLE dropped (id int);\nSELECT 1/0;")).rejects.toThrow("division by zero");
      expect(await tables(url)).toEqual(["kept"]);
      expect(await query(url, "SELECT two() AS v")).toEqual([{ v: 2 }]);
      // The engine words 42P01 as "No such table"; the factory keeps PostgreSQL's own report.
      await expect(adapter.executeScript("SELECT * FROM nope")).rejects.toThrow();
      expect(factory.lastScriptError).toEqual({ code: "42P01", message: 'relation "nope" does not exist' });
    } finally {
      await factory.close();
    }
  });

  it('reports "char" (OID 18) columns as Character (defect 4)', async () => {
    const url = await tempDatabase();
    const factory = createMigrationAdapterFactory(url);
    try {
      const adapter = await factory.connect();
      const result = await adapter.queryRaw({ sql: `SELECT 'r'::"char" AS kind, 'x'::text AS t`, args: [], argTypes: [] });
      expect(result.columnTypes).toEqual([ColumnTypeEnum.Character, ColumnTypeEnum.Text]);
      expect(result.rows).toEqual([["r", "x"]]);
    } finally {
      await factory.close();
    }
  });
});

describe("init migration: hand-written constraints", () => {
  it("keeps audit_events append-only except for the purge and IP pseudonymisation switches", async () => {
    const url = await tempDatabase();
    await applyMigrations({ databaseUrl: url, migrationsDir: PROJECT_MIGRATIONS });
    await onServer(async (c) => {
      const inserted = await c.query<{ id: string }>(
        `INSERT INTO audit_events (type, ip, metadata, hash) VALUES ('SIGN_UP', '203.0.113.7', '{"a":1}', 'h1') RETURNING id`,
      );
      const id = inserted.rows[0]?.id;
      const denied = { code: "42501", message: "audit_events is append-only" };

      await expect(c.query("UPDATE audit_events SET ip = NULL WHERE id = $1", [id])).rejects.toMatchObject(denied);
      await expect(c.query("DELETE FROM audit_events WHERE id = $1", [id])).rejects.toMatchObject(denied);
      await expect(c.query("TRUNCATE audit_events")).rejects.toMatchObject(denied);

      // The purge switch allows DELETE only.
      await c.query("BEGIN");
      await c.query("SET LOCAL authgraph.audit_purge = 'on'");
      await expect(c.query("UPDATE audit_events SET ip = NULL WHERE id = $1", [id])).rejects.toMatchObject(denied);
      await c.query("ROLLBACK");

      // The pseudonymisation switch allows changing ip, and nothing else.
      await c.query("BEGIN");
      await c.query("SET LOCAL authgraph.audit_pseudonymise = 'on'");
      await c.query("UPDATE audit_events SET ip = 'pseudonym:1' WHERE id = $1", [id]);
      await c.query("SAVEPOINT s");
      await expect(c.query("UPDATE audit_events SET hash = 'h2' WHERE id = $1", [id])).rejects.toMatchObject(denied);
      await c.query("ROLLBACK TO SAVEPOINT s");
      await expect(c.query("UPDATE audit_events SET metadata = NULL WHERE id = $1", [id])).rejects.toMatchObject(denied);
      await c.query("ROLLBACK TO SAVEPOINT s");
      await expect(c.query("DELETE FROM audit_events WHERE id = $1", [id])).rejects.toMatchObject(denied);
      await c.query("ROLLBACK TO SAVEPOINT s");
      await c.query("COMMIT");
      expect((await c.query("SELECT ip, hash FROM audit_events WHERE id = $1", [id])).rows).toEqual([{ ip: "pseudonym:1", hash: "h1" }]);

      // SET LOCAL ended with the transaction: denied again.
      await expect(c.query("UPDATE audit_events SET ip = NULL WHERE id = $1", [id])).rejects.toMatchObject(denied);

      await c.query("BEGIN");
      await c.query("SET LOCAL authgraph.audit_purge = 'on'");
      expect((await c.query("DELETE FROM audit_events WHERE id = $1", [id])).rowCount).toBe(1);
      await c.query("COMMIT");
    }, url);
  });

  it("only accepts trimmed, lower-case emails", async () => {
    const url = await tempDatabase();
    await applyMigrations({ databaseUrl: url, migrationsDir: PROJECT_MIGRATIONS });
    const insert = (email: string) =>
      query(url, "INSERT INTO users (id, email, updated_at) VALUES (gen_random_uuid(), $1, now())", [email]);
    await insert("ada@example.com");
    for (const bad of ["Ada@example.com", " bob@example.com", "bob@example.com "]) {
      await expect(insert(bad)).rejects.toMatchObject({ code: "23514", constraint: "users_email_normalised" });
    }
  });
});
