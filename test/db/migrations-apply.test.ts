// The offline migration runner applying migrations (src/db/migrations/), against the real PostgreSQL
// server, and the hand-written constraints of the init migration.
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MigrationError, applyMigrations, markMigrationRolledBack } from "../../src/db/migrations/runner.js";
import { FIXTURES, PROJECT_MIGRATIONS, RESOLVE_HINT, migrationNames, migrationRows, onServer, query, tables, urlFor, useScratch } from "../helpers/migrations.js";

const { tempDatabase } = useScratch();

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

describe("init migration: hand-written constraints", () => {
  it("keeps audit_events append-only for every role but the maintainer, whose two functions are the only way in", async () => {
    const url = await tempDatabase();
    await applyMigrations({ databaseUrl: url, migrationsDir: PROJECT_MIGRATIONS });
    await onServer(async (c) => {
      const insert = async (type: string, metadata: string) =>
        (await c.query<{ id: string }>(`INSERT INTO audit_events (type, ip, metadata, hash) VALUES ($1, '203.0.113.7', $2, 'h1') RETURNING id`, [type, metadata])).rows[0]?.id ?? "";
      const id = await insert("SIGN_UP", '{"a":1}');
      const denied = { code: "42501", message: "audit_events is append-only" };
      const pseudonym = `pseudo:${"a".repeat(64)}`;

      // Even this connection (a superuser, not the maintainer) is refused, session variables or not.
      await expect(c.query("UPDATE audit_events SET ip = NULL WHERE id = $1", [id])).rejects.toMatchObject(denied);
      await expect(c.query("DELETE FROM audit_events WHERE id = $1", [id])).rejects.toMatchObject(denied);
      await expect(c.query("TRUNCATE audit_events")).rejects.toMatchObject(denied);
      await c.query("BEGIN");
      await c.query("SET LOCAL authgraph.audit_purge = 'on'");
      await expect(c.query("DELETE FROM audit_events WHERE id = $1", [id])).rejects.toMatchObject(denied);
      await c.query("ROLLBACK");

      // The maintainer may set a well-formed pseudonym and nothing else in a row.
      await c.query("BEGIN");
      await c.query("SET LOCAL ROLE authgraph_audit_maintainer");
      await c.query("SAVEPOINT s");
      await expect(c.query("UPDATE audit_events SET ip = 'pseudonym:1' WHERE id = $1", [id])).rejects.toMatchObject(denied);
      await c.query("ROLLBACK TO SAVEPOINT s");
      await expect(c.query("UPDATE audit_events SET user_agent = 'x' WHERE id = $1", [id])).rejects.toMatchObject({ code: "42501" });
      await c.query("ROLLBACK TO SAVEPOINT s");
      await c.query("UPDATE audit_events SET ip = $2 WHERE id = $1", [id, pseudonym]);
      await c.query("COMMIT");
      expect((await c.query("SELECT ip, hash FROM audit_events WHERE id = $1", [id])).rows).toEqual([{ ip: pseudonym, hash: "h1" }]);

      // The pseudonymisation function writes well-formed pseudonyms only, over raw IPs only.
      const raw = await insert("SIGN_UP", '{"b":2}');
      expect((await c.query("SELECT audit_set_pseudonyms($1::bigint[], $2::text[]) AS n", [[raw], ["not-a-pseudonym"]])).rows).toEqual([{ n: 0 }]);
      expect((await c.query("SELECT audit_set_pseudonyms($1::bigint[], $2::text[]) AS n", [[raw], [pseudonym]])).rows).toEqual([{ n: 1 }]);

      // The purge function deletes only a prefix a RETENTION_PURGED event announced.
      await expect(c.query("SELECT audit_purge_prefix($1, 10)", [raw])).rejects.toMatchObject({ code: "42501" });
      await insert("RETENTION_PURGED", JSON.stringify({ anchorEventId: id }));
      await expect(c.query("SELECT audit_purge_prefix($1, 10)", [raw])).rejects.toMatchObject({ code: "42501" });
      expect((await c.query("SELECT audit_purge_prefix($1, 10) AS n", [id])).rows).toEqual([{ n: 1 }]);
      expect((await c.query("SELECT count(*)::int AS n FROM audit_events WHERE id = $1", [id])).rows).toEqual([{ n: 0 }]);
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
