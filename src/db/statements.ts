// Counting the statements the app sends (tests pin SQL per request with it), naming prepared
// statements, and running the few internal queries that must not be counted (health, session reset).
import { createHash } from "node:crypto";
import type pg from "pg";

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
  /** Round trips of background work (withInternalConnection given this counter), counted apart from the requests'. */
  background: number;
  reset(): void;
}

const LOG_LIMIT = 1000;

type RawQuery = (sql: string, params?: unknown[]) => Promise<pg.QueryResult | pg.QueryResult[]>;
// The unwrapped `query` of each pooled client, for statements that must not be counted.
const rawQueries = new WeakMap<pg.ClientBase, RawQuery>();

export function createCounter(): StatementCounter {
  const counter: StatementCounter = {
    count: 0,
    log: [],
    background: 0,
    reset() {
      counter.count = 0;
      counter.log = [];
      counter.background = 0;
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
export function instrument(client: pg.ClientBase, counter: StatementCounter): void {
  const original = client.query;
  rawQueries.set(client, (sql, params) => Reflect.apply(original, client, params ? [sql, params] : [sql]) as Promise<pg.QueryResult | pg.QueryResult[]>);
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

/** Runs `sql` on this client without counting it. */
export async function uncountedQuery(client: pg.ClientBase, sql: string): Promise<void> {
  const raw = rawQueries.get(client);
  if (raw) await raw(sql);
  else await client.query(sql);
}

/** Runs `sql` on a pooled connection without counting it. */
export async function internalQuery(pool: pg.Pool, sql: string, opts: { dropConnection?: boolean } = {}): Promise<void> {
  const client = await pool.connect();
  // A checked-out client has no pool listener: a connection the server drops mid-query would emit
  // an unhandled 'error' and take the process down. The query itself rejects; that is the report.
  const ignore = (): void => undefined;
  client.on("error", ignore);
  try {
    await uncountedQuery(client, sql);
    client.release(opts.dropConnection === true);
  } catch (err) {
    // A failed health query may mean a broken socket: drop the connection rather than reuse it.
    client.release(err instanceof Error ? err : true);
    throw err;
  } finally {
    client.off("error", ignore);
  }
}

/**
 * A statement (or, without params, a script of several) on an internal connection; a script answers
 * with its last statement's rows.
 */
export type InternalQuery = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

/**
 * Runs `fn` on one pooled connection whose statements are not counted against requests (background
 * work such as the outbox drain and the audit linker, which must not disturb tests that pin statements
 * per request); with `counter`, its round trips are tallied in `counter.background`.
 * The connection is dropped rather than reused if anything failed on it.
 */
export async function withInternalConnection<T>(pool: pg.Pool, fn: (query: InternalQuery) => Promise<T>, counter?: StatementCounter): Promise<T> {
  const client = await pool.connect();
  const ignore = (): void => undefined;
  client.on("error", ignore);
  const raw: RawQuery = rawQueries.get(client) ?? ((sql, params) => client.query(sql, params) as Promise<pg.QueryResult | pg.QueryResult[]>);
  const query: InternalQuery = async <R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]> => {
    if (counter) counter.background++;
    const result = await raw(sql, params);
    return ((Array.isArray(result) ? result[result.length - 1] : result) as pg.QueryResult<R> | undefined)?.rows ?? [];
  };
  try {
    const result = await fn(query);
    client.release();
    return result;
  } catch (err) {
    client.release(err instanceof Error ? err : true);
    throw err;
  } finally {
    client.off("error", ignore);
  }
}
