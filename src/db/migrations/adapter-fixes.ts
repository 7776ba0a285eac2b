// The driver-adapter factory the schema engine runs on: @prisma/adapter-pg 7.10, wrapped to fix four
// defects met on the migration path (each has a test in test/db/migrations-*.test.ts):
//  1. Given `{ connectionString }`, the shadow pool's `database` override is ignored and the replay runs
//     on the MAIN database. We open every pool from explicit fields parsed from the URL instead.
//  2. The shadow database is dropped before its pool closes ("being accessed by other users") and
//     leaks. We close the pool first, then `DROP DATABASE ... WITH (FORCE)`.
//  3. `executeScript` splits on ";" and runs the pieces on any pooled connection: plpgsql `$$` bodies
//     break and a failing migration is left half-applied. We send the script as one query, which
//     PostgreSQL runs as one implicit transaction (as the native engine does).
//  4. Columns of PostgreSQL's internal `"char"` type (OID 18) are rejected ("could not be
//     deserialized") when the engine inspects a database. We report them as ColumnTypeEnum.Character.
// adapter-pg still does the rest (value conversion, error mapping); we give it pools we own and close.
// Transactions are passed through untouched: the migration path does not use them.
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { ColumnTypeEnum, isDriverAdapterError } from "@prisma/driver-adapter-utils";
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
} from "@prisma/driver-adapter-utils";
import pg from "pg";
import { parseIntoClientConfig } from "pg-connection-string";

const CHAR_OID = 18;
const TEXT_OID = 25;

export interface MigrationAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** Names of the shadow databases created so far (tests check they are separate and gone). */
  readonly shadowDatabases: readonly string[];
  /** The last failed script (a migration) as PostgreSQL reported it. */
  readonly lastScriptError: ScriptError | undefined;
  /** Closes every pool opened here and drops any shadow database still present. Idempotent. */
  close(): Promise<void>;
}

/** PostgreSQL's own report of a failed script. */
export interface ScriptError {
  /** SQLSTATE, e.g. 42P01. */
  code: string | undefined;
  /** The server's message, e.g. `relation "x" does not exist`. */
  message: string;
}

export interface MigrationAdapterOptions {
  /**
   * Connections in the main pool. Default 1: the engine takes its advisory lock, applies and unlocks
   * on one session like the native engine, and the embedded PGlite accepts exactly one connection.
   */
  maxConnections?: number;
}

// Result rows arrays whose columns were `"char"`, keyed by identity: adapter-pg returns pg's own rows
// array in its result set, which is how queryRaw finds out which column types to correct.
const charColumnsByRows = new WeakMap<object, number[]>();

interface FieldLike {
  dataTypeID: number;
}

function hasFields(value: unknown): value is { fields: FieldLike[]; rows: object } {
  if (typeof value !== "object" || value === null) return false;
  const { fields, rows } = value as { fields?: unknown; rows?: unknown };
  return Array.isArray(fields) && typeof rows === "object" && rows !== null;
}

function relabelCharColumns(result: unknown): void {
  // A multi-statement simple query resolves to one result per statement.
  for (const one of Array.isArray(result) ? result : [result]) {
    if (!hasFields(one)) continue;
    const indices: number[] = [];
    one.fields.forEach((field, i) => {
      if (field.dataTypeID !== CHAR_OID) return;
      // adapter-pg throws on OID 18; as text it passes, and queryRaw restores the right type below.
      field.dataTypeID = TEXT_OID;
      indices.push(i);
    });
    if (indices.length > 0) charColumnsByRows.set(one.rows, indices);
  }
}

/** Makes the pool's promise-style query() relabel `"char"` fields before adapter-pg maps them. */
function interceptCharColumns(pool: pg.Pool): void {
  const original = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const query = (...args: unknown[]): unknown => {
    const pending = original(...args);
    if (!(pending instanceof Promise)) return pending; // callback style: not used by adapter-pg
    return pending.then((result: unknown) => {
      relabelCharColumns(result);
      return result;
    });
  };
  Object.assign(pool, { query });
}

function fixCharColumnTypes(result: SqlResultSet): SqlResultSet {
  const indices = charColumnsByRows.get(result.rows);
  if (!indices) return result;
  const columnTypes = [...result.columnTypes];
  for (const i of indices) columnTypes[i] = ColumnTypeEnum.Character;
  return { ...result, columnTypes };
}

function fixAdapter(
  inner: SqlDriverAdapter,
  release: () => Promise<void>,
  onScriptError: (error: ScriptError) => void,
): SqlDriverAdapter {
  let released: Promise<void> | undefined;
  const adapter: SqlDriverAdapter = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: async (query: SqlQuery) => fixCharColumnTypes(await inner.queryRaw(query)),
    executeRaw: (query: SqlQuery) => inner.executeRaw(query),
    // With no parameters pg uses the simple-query protocol: the whole script goes to the server as
    // one message, on one connection, in one implicit transaction; adapter-pg still maps the errors.
    executeScript: async (script: string) => {
      try {
        await inner.executeRaw({ sql: script, args: [], argTypes: [] });
      } catch (err) {
        onScriptError(scriptError(err));
        throw err;
      }
    },
    startTransaction: (isolationLevel) => inner.startTransaction(isolationLevel),
    dispose: () => {
      released ??= inner.dispose().then(release);
      return released;
    },
  };
  if (inner.getConnectionInfo) adapter.getConnectionInfo = inner.getConnectionInfo.bind(inner);
  return adapter;
}

// The engine rewrites some SQLSTATEs into its own words ("No such table: x" for 42P01), so a failed
// migration could not be reported with the server's message without keeping it here.
function scriptError(err: unknown): ScriptError {
  if (err instanceof Error && isDriverAdapterError(err)) {
    const cause = err.cause;
    const code = cause.originalCode ?? (cause.kind === "postgres" ? cause.code : undefined);
    return { code, message: cause.originalMessage ?? err.message };
  }
  return { code: undefined, message: err instanceof Error ? err.message : String(err) };
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A factory for one engine run against `databaseUrl`; `close()` it when the engine is done. */
export function createMigrationAdapterFactory(
  databaseUrl: string,
  options: MigrationAdapterOptions = {},
): MigrationAdapterFactory {
  // Explicit fields, not { connectionString }: pg lets a connection string override `database`.
  const { schema, ...clientConfig } = parseIntoClientConfig(databaseUrl) as pg.ClientConfig & { schema?: unknown };
  const pgOptions = typeof schema === "string" && schema !== "" ? { schema } : undefined;
  const adapters = new Set<SqlDriverAdapter>();
  const shadowDatabases: string[] = [];
  let lastScriptError: ScriptError | undefined;

  async function open(database: string | undefined, max: number, release: () => Promise<void>) {
    const pool = new pg.Pool({ ...clientConfig, ...(database ? { database } : {}), max });
    // An idle connection the server drops (a shadow database dropped WITH (FORCE)) must not crash the CLI.
    pool.on("error", () => undefined);
    interceptCharColumns(pool);
    const inner = await new PrismaPg(pool, pgOptions).connect();
    const adapter = fixAdapter(
      inner,
      async () => {
        // Leave the set only once the pool is closed, so factory.close() waits for a dispose in flight.
        await pool.end();
        adapters.delete(adapter);
        await release();
      },
      (error) => {
        lastScriptError = error;
      },
    );
    adapters.add(adapter);
    return adapter;
  }

  async function onServer(sql: string): Promise<void> {
    const client = new pg.Client(clientConfig);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  const factory: MigrationAdapterFactory = {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    shadowDatabases,
    get lastScriptError() {
      return lastScriptError;
    },
    connect: () => open(undefined, options.maxConnections ?? 1, async () => {}),
    connectToShadowDb: async () => {
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await onServer(`CREATE DATABASE ${quoteIdent(name)}`);
      shadowDatabases.push(name);
      const drop = () => onServer(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      try {
        return await open(name, 1, drop);
      } catch (err) {
        await drop();
        throw err;
      }
    },
    close: async () => {
      const results = await Promise.allSettled([...adapters].map((a) => a.dispose()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    },
  };
  return factory;
}
