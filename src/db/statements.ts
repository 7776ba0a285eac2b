// Counting the statements the app sends (tests pin SQL per request with it), naming prepared
// statements, and running the few internal queries that must not be counted (health, session reset).
import { AsyncLocalStorage } from "node:async_hooks";
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
  /** Statements sent by background work (inBackground), counted apart from the requests'. */
  background: number;
  reset(): void;
}

const backgroundWork = new AsyncLocalStorage<true>();

/** Runs `fn` as background work: its statements count in `background`, not against a request. */
export function inBackground<T>(fn: () => Promise<T>): Promise<T> {
  return backgroundWork.run(true, fn);
}

const LOG_LIMIT = 1000;

type RawQuery = (sql: string) => Promise<pg.QueryResult>;
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
  rawQueries.set(client, (sql) => Reflect.apply(original, client, [sql]) as Promise<pg.QueryResult>);
  const counted = function (this: pg.ClientBase, ...args: unknown[]): unknown {
    if (backgroundWork.getStore()) {
      counter.background++;
      return Reflect.apply(original, this, args);
    }
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
 * Runs `fn` on one pooled connection whose statements are not counted (background work such as the
 * invalidation outbox drain, which must not disturb tests that pin statements per request).
 * The connection is dropped rather than reused if anything failed on it.
 */
export async function withInternalConnection<T>(pool: pg.Pool, fn: (query: <R extends pg.QueryResultRow>(sql: string) => Promise<R[]>) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const ignore = (): void => undefined;
  client.on("error", ignore);
  const raw = rawQueries.get(client);
  const query = async <R extends pg.QueryResultRow>(sql: string): Promise<R[]> => ((raw ? await raw(sql) : await client.query(sql)) as pg.QueryResult<R>).rows;
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
