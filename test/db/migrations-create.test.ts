// Writing new migrations offline (createMigration, a shadow database it drops) and the adapter-pg
// fixes the migration path depends on, against the real PostgreSQL server.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createMigrationAdapterFactory } from "../../src/db/migrations/adapter-fixes.js";
import { createMigration, migrationSlug } from "../../src/db/migrations/runner.js";
import { lockfileContent } from "../../src/db/migrations/directory.js";
import { FIXTURES, PROJECT_MIGRATIONS, migrationNames, query, shadowDatabases, tables, urlFor, useScratch } from "../helpers/migrations.js";

const { tempDatabase, copyOf } = useScratch();

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
