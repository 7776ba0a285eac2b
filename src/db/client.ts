// The one way the app talks to PostgreSQL: Prisma Client over adapter-pg over a pg Pool we own, whether
// the server is real (DATABASE_URL) or the embedded PGlite socket server. Owning the pool lets us count
// statements, run health checks outside Prisma, and reset the embedded session on reconnect.
import { createHash } from "node:crypto";
import pg from "pg";
import { parse as parseConnectionString } from "pg-connection-string";
import { PrismaPg } from "@prisma/adapter-pg";
import type { Config } from "../config.js";
import { PrismaClient } from "../generated/prisma/client.js";
import { startEmbeddedPostgres, type DbLog, type EmbeddedPostgres } from "./embedded.js";

export type { DbLog, DbLogLevel } from "./embedded.js";

/**
 * Statements sent to the database by Prisma through this Database's pool, inside and outside
 * transactions: BEGIN / SET TRANSACTION / SAVEPOINT / COMMIT / ROLLBACK count like any other statement.
 * Not counted: `ping`, the start-up reachability check and the embedded session reset, so health checks
 * do not disturb tests that compare statement counts.
 */
export interface StatementCounter {
  count: number;
  /** SQL texts since the last reset (the most recent LOG_LIMIT of them). */
  log: string[];
  reset(): void;
}

export interface PingResult {
  ok: boolean;
  latencyMs: number;
  message?: string;
}

export interface Database {
  prisma: PrismaClient;
  /** The connection URL as configured; may contain a password, so never log it (log `target`). */
  url: string;
  /** `host:port/database`, safe to log. */
  target: string;
  embedded: boolean;
  /**
   * The pool under Prisma. The embedded server accepts exactly ONE connection and this pool keeps it
   * from the first query on, so anything else that needs the database while the app runs (the migration
   * runner) should go through this pool (e.g. `new PrismaPg(db.pool)`). Only between createDatabase and
   * the first query may another client use `url` directly, and it must close its pool before the app's
   * first query (which waits up to ~4.5 s for the slot).
   */
  pool: pg.Pool;
  statements: StatementCounter;
  /** `SELECT 1`, time-boxed (default 2 s). Never throws. */
  ping(timeoutMs?: number): Promise<PingResult>;
  close(): Promise<void>;
}

export class DatabaseUnreachableError extends Error {
  override readonly name = "DatabaseUnreachableError";
}

const START_TIMEOUT_MS = 5000;
const LOG_LIMIT = 1000;

type RawQuery = (sql: string) => Promise<pg.QueryResult>;
// The unwrapped `query` of each pooled client, for statements that must not be counted.
const rawQueries = new WeakMap<pg.ClientBase, RawQuery>();

function createCounter(): StatementCounter {
  const counter: StatementCounter = {
    count: 0,
    log: [],
    reset() {
      counter.count = 0;
      counter.log = [];
    },
  };
  return counter;
}

function sqlOf(arg: unknown): string {
  if (typeof arg === "string") return arg;
  if (arg !== null && typeof arg === "object" && "text" in arg && typeof arg.text === "string") return arg.text;
  return "<unknown>";
}

/** Wraps the client's `query` so every statement sent through it is counted. */
function instrument(client: pg.ClientBase, counter: StatementCounter): void {
  const original = client.query;
  rawQueries.set(client, (sql) => Reflect.apply(original, client, [sql]) as Promise<pg.QueryResult>);
  const counted = function (this: pg.ClientBase, ...args: unknown[]): unknown {
    counter.count++;
    counter.log.push(sqlOf(args[0]));
    if (counter.log.length > LOG_LIMIT) counter.log.splice(0, counter.log.length - LOG_LIMIT);
    return Reflect.apply(original, this, args);
  };
  client.query = counted as typeof client.query;
}

const MAX_NAMED_STATEMENTS = 1000;

/**
 * Names prepared statements by a hash of their SQL, so a repeated query reuses its server-side plan.
 * Server-side statements are never deallocated while a connection lives, and some Prisma SQL varies
 * with the input (an `IN` list per length), so after MAX_NAMED_STATEMENTS distinct texts new ones go
 * unnamed ("" = pg's unnamed statement) rather than grow every connection's memory without bound.
 */
export function createStatementNamer(limit = MAX_NAMED_STATEMENTS): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    if (names.size >= limit) return "";
    const name = `s_${createHash("sha1").update(sql).digest("hex").slice(0, 16)}`;
    names.set(sql, name);
    return name;
  };
}

/** Runs `sql` on a pooled connection without counting it. */
async function internalQuery(pool: pg.Pool, sql: string, opts: { dropConnection?: boolean } = {}): Promise<void> {
  const client = await pool.connect();
  try {
    const raw = rawQueries.get(client);
    if (raw) await raw(sql);
    else await client.query(sql);
    client.release(opts.dropConnection === true);
  } catch (err) {
    // A failed health query may mean a broken socket: drop the connection rather than reuse it.
    client.release(err instanceof Error ? err : true);
    throw err;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${ms} ms`), { code: "AG_TIMEOUT" })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

interface Target {
  hostPort: string;
  database: string;
  password: string | undefined;
}

function describeTarget(url: string): Target {
  const parsed = parseConnectionString(url);
  const host = parsed.host ?? "localhost";
  const port = parsed.port ?? "5432";
  const hostPort = host.startsWith("/") ? `${host} (port ${port})` : host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return { hostPort, database: parsed.database ?? "", password: parsed.password ?? undefined };
}

const SOCKET_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  ENOENT: "no such socket file",
};

/** One short line, password removed, for why a connection or query failed. */
export function connectionFailureReason(err: unknown, password?: string): string {
  // Node's happy-eyeballs connect reports an AggregateError whose `code` is the first attempt's.
  const first = err instanceof AggregateError && err.errors[0] instanceof Error ? err.errors[0] : err;
  const code = (first as { code?: unknown } | null)?.code ?? (err as { code?: unknown } | null)?.code;
  const message = first instanceof Error ? first.message : String(first);
  let reason: string;
  if (typeof code === "string" && SOCKET_REASONS[code]) reason = SOCKET_REASONS[code];
  else if (code === "AG_TIMEOUT") reason = message;
  else if (/connection timeout|timeout exceeded when trying to connect/i.test(message)) reason = "timed out connecting";
  else reason = message || "unknown error";
  reason = reason.split("\n")[0] ?? reason;
  return password ? reason.split(password).join("***") : reason;
}

/** A pg Client that, before connecting, waits until the embedded server has let go of the previous connection. */
function clientWaitingForFreeSlot(server: EmbeddedPostgres): new () => pg.ClientBase {
  type ConnectCallback = ((err: Error) => void) | ((err: null, c: pg.Client) => void);
  return class EmbeddedClient extends pg.Client {
    override connect(): Promise<pg.Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
      // Shorter than the pool's connect timeout, so the clear "another client holds it" wins.
      const connected = server.waitForFreeConnection(START_TIMEOUT_MS - 500).then(() => super.connect());
      if (!callback) return connected;
      // pg-pool passes a node-style callback and treats a null first argument as success.
      const done = callback as (err: Error | null, c?: pg.Client) => void;
      connected.then((c) => done(null, c), (err: Error) => done(err));
    }
  };
}

export async function createDatabase(config: Config, opts: { log?: DbLog } = {}): Promise<Database> {
  const { log } = opts;
  let embeddedServer: EmbeddedPostgres | undefined;
  if (!config.DATABASE_URL) embeddedServer = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, ...(log ? { log } : {}) });
  const embedded = embeddedServer !== undefined;
  const url = config.DATABASE_URL ?? embeddedServer?.url ?? "";
  const target = describeTarget(url);
  const statements = createCounter();

  const pool = new pg.Pool({
    connectionString: url,
    ...(embeddedServer ? { Client: clientWaitingForFreeSlot(embeddedServer) } : {}),
    // Exactly one connection to PGlite: a second one corrupts its single protocol stream.
    max: embedded ? 1 : config.DATABASE_POOL_MAX,
    connectionTimeoutMillis: START_TIMEOUT_MS,
    // Once in use, the embedded connection is kept: every reconnect costs a session reset, and a free
    // slot is one a stray client (psql) could take, locking the app out.
    idleTimeoutMillis: embedded ? 0 : 10_000,
    onConnect: async (client) => {
      instrument(client, statements);
      if (embedded) {
        // A fresh pg client knows no prepared statements, but the PGlite session still has those of
        // earlier connections (ours or the migration runner's): "prepared statement s_… already exists".
        // DISCARD ALL also drops leftover session settings, temp tables and advisory locks.
        const raw = rawQueries.get(client);
        await raw?.("ROLLBACK");
        await raw?.("DISCARD ALL");
      }
    },
  });
  // Without a listener an idle connection dropped by the server would crash the process.
  pool.on("error", (err) => log?.("warn", "idle database connection failed", { reason: connectionFailureReason(err, target.password) }));

  const closeEmbedded = async () => {
    await embeddedServer?.close().catch((err: unknown) => log?.("warn", "closing embedded database failed", { err: String(err) }));
  };

  try {
    // The embedded slot is given back after the check: until the first query a migration runner may
    // connect to `url` itself (it must close its pool before the app serves), though `pool` is better.
    await withTimeout(internalQuery(pool, "SELECT 1", { dropConnection: embedded }), START_TIMEOUT_MS);
    await embeddedServer?.waitForFreeConnection(START_TIMEOUT_MS);
  } catch (err) {
    await pool.end().catch(() => undefined);
    await closeEmbedded();
    throw new DatabaseUnreachableError(`Cannot reach PostgreSQL at ${target.hostPort}: ${connectionFailureReason(err, target.password)}`);
  }

  // Named statements make PostgreSQL parse and plan a repeated query once per connection instead of
  // every time. Verified on PGlite too (with the session reset above).
  const adapter = new PrismaPg(pool, {
    statementNameGenerator: createStatementNamer(),
    onPoolError: (err) => log?.("warn", "database pool error", { reason: connectionFailureReason(err, target.password) }),
    onConnectionError: (err) => log?.("warn", "database connection error", { reason: connectionFailureReason(err, target.password) }),
  });
  // Wait for a pooled connection as long as pg itself does (connectionTimeoutMillis), not Prisma's 2 s
  // default: under a burst, queueing briefly beats failing the request.
  const prisma = new PrismaClient({ adapter, transactionOptions: { maxWait: START_TIMEOUT_MS, timeout: 10_000 } });
  log?.("info", "database connected", { target: `${target.hostPort}/${target.database}`, embedded });

  const ping = async (timeoutMs = 2000): Promise<PingResult> => {
    const started = performance.now();
    try {
      await withTimeout(internalQuery(pool, "SELECT 1"), timeoutMs);
      return { ok: true, latencyMs: Math.round(performance.now() - started) };
    } catch (err) {
      return { ok: false, latencyMs: Math.round(performance.now() - started), message: connectionFailureReason(err, target.password) };
    }
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await prisma.$disconnect().catch((err: unknown) => log?.("warn", "prisma disconnect failed", { err: String(err) }));
      await pool.end().catch((err: unknown) => log?.("warn", "closing database pool failed", { err: String(err) }));
      await closeEmbedded();
    })();
    return closing;
  };

  return { prisma, url, target: `${target.hostPort}/${target.database}`, embedded, pool, statements, ping, close };
}
