// The offline migration runner: applies and creates Prisma migrations with the WASM schema engine, so
// `_prisma_migrations` ends up exactly as `prisma migrate deploy` would leave it (same checksums, same
// advisory lock, a failed migration blocks later runs) without the native engine.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createMigrationAdapterFactory } from "./adapter-fixes.js";
import type { MigrationAdapterFactory, ScriptError } from "./adapter-fixes.js";
import {
  DEFAULT_MIGRATIONS_DIR,
  LOCKFILE_NAME,
  MIGRATION_FILE_NAME,
  lockfileContent,
  readMigrationsDir,
} from "./directory.js";
import { NO_FILTERS, SchemaEngineLoadError, createSchemaEngine, lastEnginePanic } from "./schema-engine.js";
import type { DiffParams, SchemaEngine } from "./schema-engine.js";

export const DEFAULT_SCHEMA_PATH = "prisma/schema.prisma";

const RESOLVE_HINT = "Fix the database, then mark it rolled back (see README) before running again.";

/** A migration problem, with a message meant to be printed as is. */
export class MigrationError extends Error {
  override readonly name = "MigrationError";
  constructor(
    message: string,
    /** Prisma's error code when the engine gave one (P3009: blocked by a failed migration). */
    readonly code?: string,
    /** The migration(s) concerned, when known. */
    readonly migrations: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  /** Default `prisma/migrations`, relative to the working directory. */
  migrationsDir?: string;
  /** Progress lines from the engine ("Applying `20261128120000_init`"). */
  log?: (message: string) => void;
  /** Connections for the runner's pool; default 1 (see MigrationAdapterOptions). */
  maxConnections?: number;
}

export interface CreateMigrationOptions {
  /** Server used for the temporary shadow database; the database itself is not changed. */
  databaseUrl: string;
  /** Free text; turned into a slug like the Prisma CLI does ("Add user status" → add_user_status). */
  name: string;
  schemaPath?: string;
  migrationsDir?: string;
  /** Clock for the directory's timestamp (tests). */
  now?: Date;
}

/** Applies every pending migration in order; `applied` lists the ones applied by this call. */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<{ applied: string[] }> {
  const migrationsList = await readMigrationsDir(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  return withEngine(options.databaseUrl, options, async (engine, factory) => {
    try {
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
      return { applied: appliedMigrationNames };
    } catch (err) {
      throw applyError(err, factory.lastScriptError);
    }
  });
}

/**
 * Writes `<yyyymmddhhmmss>_<name>/migration.sql` (and the lockfile) with the SQL taking the existing
 * migrations to the schema, as `prisma migrate dev --create-only` does. Returns the new migration.sql
 * path, or null when the schema has no change.
 */
export async function createMigration(options: CreateMigrationOptions): Promise<{ path: string | null }> {
  const slug = migrationSlug(options.name);
  if (slug === "") throw new MigrationError(`Invalid migration name "${options.name}": use letters or digits.`);
  const schemaPath = options.schemaPath ?? DEFAULT_SCHEMA_PATH;
  const schema = await readFile(schemaPath, "utf8");
  const list = await readMigrationsDir(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  // The engine needs the lockfile to know the provider; the CLI writes it with the first migration.
  // Even with no migration yet the source is the (replayed) migrations, not "empty": that is what
  // `migrate dev` diffs, and "empty" would add a CREATE SCHEMA "public" the CLI never writes.
  const lockfile = { ...list.lockfile, content: list.lockfile.content ?? lockfileContent() };
  const from: DiffParams["from"] = { tag: "migrations", ...list, lockfile };

  const script = await withEngine(options.databaseUrl, {}, async (engine) => {
    try {
      const result = await engine.diff({
        from,
        to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schema }] },
        script: true,
        exitCode: true, // 2 when there is a difference, 0 when there is none
        filters: NO_FILTERS,
      });
      return result.exitCode === 2 ? (result.stdout ?? "") : null;
    } catch (err) {
      throw new MigrationError(`Could not create the migration: ${engineErrorText(err)}`, errorCode(err));
    }
  });
  if (script === null) return { path: null };

  const dir = join(list.baseDir, `${timestamp(options.now ?? new Date())}_${slug}`);
  await mkdir(dir, { recursive: true });
  const path = join(dir, MIGRATION_FILE_NAME);
  // "wx": two runs in the same second must not overwrite each other's migration.
  await writeFile(path, script, { encoding: "utf8", flag: "wx" }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "EEXIST") throw new MigrationError(`The migration ${path} already exists.`);
    throw err;
  });
  await writeFile(join(list.baseDir, LOCKFILE_NAME), lockfileContent(), "utf8");
  return { path: resolve(path) };
}

/** Marks a failed migration rolled back (what `prisma migrate resolve --rolled-back` does). */
export async function markMigrationRolledBack(options: {
  databaseUrl: string;
  name: string;
}): Promise<void> {
  await withEngine(options.databaseUrl, {}, async (engine) => {
    try {
      await engine.markMigrationRolledBack({ migrationName: options.name });
    } catch (err) {
      throw new MigrationError(
        `Could not mark ${options.name} rolled back: ${engineErrorText(err)}`,
        errorCode(err),
        [options.name],
      );
    }
  });
}

/** The Prisma CLI's migration-name slug: lower-case words joined by "_", at most 200 characters. */
export function migrationSlug(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/([a-z\d])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z\d]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 200);
}

/** `yyyymmddhhmmss` in UTC, as the engine names migration directories. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, "").slice(0, 14);
}

async function withEngine<T>(
  databaseUrl: string,
  options: { log?: (message: string) => void; maxConnections?: number },
  run: (engine: SchemaEngine, factory: MigrationAdapterFactory) => Promise<T>,
): Promise<T> {
  const factory: MigrationAdapterFactory = createMigrationAdapterFactory(databaseUrl, {
    maxConnections: options.maxConnections,
  });
  let engine: SchemaEngine | undefined;
  try {
    engine = await createSchemaEngine(factory, options.log && engineLogForwarder(options.log)).catch((err) => {
      if (err instanceof SchemaEngineLoadError) throw new MigrationError(err.message);
      throw new MigrationError(`Could not connect to the database: ${engineErrorText(err)}`, errorCode(err));
    });
    return await run(engine, factory);
  } finally {
    engine?.free();
    // The engine does not close what it opened; shadow databases are dropped here if still present.
    await factory.close();
  }
}

function engineLogForwarder(log: (message: string) => void): (line: string) => void {
  return (line) => {
    try {
      const parsed = JSON.parse(line) as { fields?: { message?: unknown } };
      if (typeof parsed.fields?.message === "string") log(parsed.fields.message);
    } catch {
      log(line.trim());
    }
  };
}

function applyError(err: unknown, scriptError: ScriptError | undefined): MigrationError {
  const code = errorCode(err);
  const raw = err instanceof Error ? err.message : String(err);
  if (code === "P3009") {
    const names = [...raw.matchAll(/The `([^`]+)` migration started at/g)].map((m) => m[1] ?? "");
    const list = names.length > 0 ? names.join(", ") : "an earlier migration";
    return new MigrationError(
      `Migrations are blocked by the failed migration ${list}. ${RESOLVE_HINT}`,
      code,
      names,
    );
  }
  const failed = /apply_script\s+with migration_name="([^"]+)"/.exec(raw)?.[1];
  if (failed) {
    // PostgreSQL's own words; the engine renames some errors ("No such table: x").
    const reason = (scriptError?.message ?? engineErrorText(err)).replace(/\s*\n\s*/g, " ").replace(/\.$/, "");
    return new MigrationError(`Migration ${failed} failed: ${reason}. ${RESOLVE_HINT}`, code ?? "P3018", [failed]);
  }
  return new MigrationError(`Could not apply migrations: ${engineErrorText(err)}`, code);
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The engine's multi-line report (message, connector noise, Rust span trace) as one readable line. */
function engineErrorText(err: unknown): string {
  if (err instanceof Error && err.name === "RuntimeError") {
    return `the schema engine crashed: ${(lastEnginePanic() || err.message).replace(/\s*\n\s*/g, " ")}`;
  }
  const raw = err instanceof Error ? err.message : String(err);
  const withoutTrace = raw.split(/\n\s+0: /)[0] ?? raw;
  return withoutTrace
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && line !== "external connector error" && line !== "Error:")
    .map((line) => line.replace(/^Error querying the database: /, "").replace(/^(ERROR|FATAL): /, ""))
    .join(" ");
}
