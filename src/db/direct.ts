// Hot-path statements sent straight to the driver as named prepared statements. For a lookup by key,
// Prisma's client spends several times the CPU of the query itself (a session joined with its user:
// 270-320 µs through findUnique, 130-200 through $queryRaw, 70-80 direct). Statements go through the
// same pool, so they are counted, time-boxed and mapped to SERVICE_UNAVAILABLE like Prisma's.
import type pg from "pg";
import { createStatementNamer } from "./statements.js";

export interface DirectStatement {
  /** Prepared once per connection under this name (distinct from Prisma's generated names). */
  name: string;
  text: string;
}

export const directStatement = (name: string, text: string): DirectStatement => ({ name: `ag_${name}`, text });

/** The rows `statement` returns for `values`, as the driver parsed them (Dates, arrays, JSON; int8 as text). */
export async function directRows<R extends pg.QueryResultRow>(pool: pg.Pool, statement: DirectStatement, values: readonly unknown[]): Promise<R[]> {
  const result = await pool.query<R>({ name: statement.name, text: statement.text, values: [...values] });
  return result.rows;
}

/** A statement composed with `Prisma.sql` (its `$n` text and values). */
export interface ComposedSql {
  readonly text: string;
  readonly values: readonly unknown[];
}

// The name Prisma's adapter gives the same text (statements.ts), within the same bound on names.
const nameOf = createStatementNamer();

/**
 * `directRows` for a statement composed with `Prisma.sql`, named after its text. Past the bound the
 * name is "", which pg sends as an unnamed statement.
 */
export function directSqlRows<R extends pg.QueryResultRow>(pool: pg.Pool, sql: ComposedSql): Promise<R[]> {
  return directRows<R>(pool, { name: nameOf({ sql: sql.text }), text: sql.text }, sql.values);
}
