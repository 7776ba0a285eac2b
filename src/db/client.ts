// The one way the app talks to PostgreSQL: Prisma Client over adapter-pg over a pg Pool we own, whether
// the server is real (DATABASE_URL) or the embedded PGlite socket server. Owning the pool lets us count
// statements, run health checks outside Prisma, and reset the embedded session on reconnect.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import type { Config } from "../config.js";
import { PrismaClient } from "../generated/prisma/client.js";
import { installCommitHooks } from "./after-commit.js";
import { connectionFailureReason, describeTarget, isDatabaseUnavailable } from "./connection-errors.js";
import { startEmbeddedPostgres, type DbLog, type EmbeddedPostgres } from "./embedded.js";
import { createReplicaSet } from "./replicas.js";
import type { ReplicaSet } from "./replicas.js";
import { createCounter, createStatementNamer, instrument, internalQuery, uncountedQuery } from "./statements.js";
import type { StatementCounter } from "./statements.js";

export type { StatementCounter } from "./statements.js";
export { connectionFailureReason, isDatabaseUnavailable } from "./connection-errors.js";
export { createStatementNamer } from "./statements.js";

export type { DbLog, DbLogLevel } from "./embedded.js";

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
  /** Read replicas (DATABASE_REPLICA_URLS); null without them. */
  replicas: ReplicaSet | null;
  /** For reads that may be a few seconds stale: a usable replica, else the primary (see replicas.ts). */
  readStale<T>(read: (db: PrismaClient) => Promise<T>): Promise<T>;
  /** `SELECT 1`, time-boxed (default 2 s). Never throws. */
  ping(timeoutMs?: number): Promise<PingResult>;
  close(): Promise<void>;
}

export class DatabaseUnreachableError extends Error {
  override readonly name = "DatabaseUnreachableError";
}

const START_TIMEOUT_MS = 5000;

/**
 * Every interactive transaction's bounds. `maxWait` is the pool-wait bound (DATABASE_POOL_WAIT_MS),
 * the same one pg applies to checking out a connection, so whichever waits, one bound answers; past
 * it the request gets SERVICE_UNAVAILABLE (errors-to-codes in server/plugins/error-masking.ts).
 */
const TRANSACTION_TIMEOUT_MS = 15_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${ms} ms`), { code: "AG_TIMEOUT" })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * pg's query_timeout fails the query but keeps the connection, with the unanswered query still ahead
 * of every later one: a blackholed connection would then time out each request that gets it. Drop it.
 */
function dropOnQueryTimeout(client: pg.ClientBase): void {
  const query = client.query;
  const guarded = function (this: pg.ClientBase, ...args: unknown[]): unknown {
    const result = Reflect.apply(query, this, args) as unknown;
    if (result instanceof Promise) {
      result.catch((err: unknown) => {
        if (err instanceof Error && err.message === "Query read timeout") (client as pg.ClientBase & { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      });
    }
    return result;
  };
  client.query = guarded as typeof client.query;
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
    // The embedded slot is handed over between clients, which takes longer than a pool wait.
    connectionTimeoutMillis: embedded ? START_TIMEOUT_MS : config.DATABASE_POOL_WAIT_MS,
    keepAlive: true,
    ...(embedded ? {} : { query_timeout: config.DATABASE_QUERY_TIMEOUT_MS }),
    // Once in use, the embedded connection is kept: every reconnect costs a session reset, and a free
    // slot is one a stray client (psql) could take, locking the app out.
    idleTimeoutMillis: embedded ? 0 : 10_000,
    onConnect: async (client) => {
      instrument(client, statements);
      dropOnQueryTimeout(client);
      if (embedded) {
        // A fresh pg client knows no prepared statements, but the PGlite session still has those of
        // earlier connections (ours or the migration runner's): "prepared statement s_… already exists".
        // DISCARD ALL also drops leftover session settings, temp tables and advisory locks.
        await uncountedQuery(client, "ROLLBACK");
        await uncountedQuery(client, "DISCARD ALL");
      }
    },
  });
  // Without a listener an idle connection dropped by the server would crash the process.
  pool.on("error", (err) => log?.("warn", "idle database connection failed", { reason: connectionFailureReason(err, target.password) }));

  const closeEmbedded = async () => {
    await embeddedServer?.close().catch((err: unknown) => log?.("warn", "closing embedded database failed", { err: String(err) }));
  };

  // A database that is restarting or failing over is waited for (with backoff) up to
  // DATABASE_START_TIMEOUT_MS; a wrong password or database name fails at once.
  const deadline = Date.now() + (embedded ? 0 : config.DATABASE_START_TIMEOUT_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      // The embedded slot is given back after the check: until the first query a migration runner may
      // connect to `url` itself (it must close its pool before the app serves), though `pool` is better.
      await withTimeout(internalQuery(pool, "SELECT 1", { dropConnection: embedded }), START_TIMEOUT_MS);
      await embeddedServer?.waitForFreeConnection(START_TIMEOUT_MS);
      break;
    } catch (err) {
      const reason = connectionFailureReason(err, target.password);
      const delay = Math.round(Math.min(5000, 200 * 2 ** attempt) * (0.8 + Math.random() * 0.2));
      if (embedded || !isDatabaseUnavailable(err) || Date.now() + delay > deadline) {
        await pool.end().catch(() => undefined);
        await closeEmbedded();
        throw new DatabaseUnreachableError(`Cannot reach PostgreSQL at ${target.hostPort}: ${reason}`);
      }
      log?.("warn", "database not reachable yet; retrying", { target: target.hostPort, reason, attempt, retryInMs: delay });
      await sleep(delay);
    }
  }

  // Named statements make PostgreSQL parse and plan a repeated query once per connection instead of
  // every time. Verified on PGlite too (with the session reset above).
  const adapter = new PrismaPg(pool, {
    statementNameGenerator: createStatementNamer(),
    onPoolError: (err) => log?.("warn", "database pool error", { reason: connectionFailureReason(err, target.password) }),
    onConnectionError: (err) => log?.("warn", "database connection error", { reason: connectionFailureReason(err, target.password) }),
  });
  const prisma = new PrismaClient({
    adapter,
    transactionOptions: { maxWait: embedded ? 10_000 : config.DATABASE_POOL_WAIT_MS, timeout: TRANSACTION_TIMEOUT_MS },
  });
  installCommitHooks(prisma);
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

  const replicas = config.DATABASE_REPLICA_URLS?.length
    ? createReplicaSet(config.DATABASE_REPLICA_URLS, { prisma, pool }, { maxLagSeconds: config.DATABASE_REPLICA_MAX_LAG_SECONDS, poolMax: config.DATABASE_POOL_MAX, log })
    : null;
  const readStale = <T>(read: (db: PrismaClient) => Promise<T>): Promise<T> => (replicas ? replicas.readStale(read) : read(prisma));

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await replicas?.close();
      await prisma.$disconnect().catch((err: unknown) => log?.("warn", "prisma disconnect failed", { err: String(err) }));
      await pool.end().catch((err: unknown) => log?.("warn", "closing database pool failed", { err: String(err) }));
      await closeEmbedded();
    })();
    return closing;
  };

  return { prisma, url, target: `${target.hostPort}/${target.database}`, embedded, pool, statements, replicas, readStale, ping, close };
}
