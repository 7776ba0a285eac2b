// PostgreSQL read replicas (DATABASE_REPLICA_URLS) for reads that may be stale. Opt-in per call
// site: `readStale` is used only where a few seconds of lag is harmless (admin lists, audit pages,
// role lists); everything else (session validation, transactions, reads after the caller's own
// write) uses the primary client, so a forgotten call site errs towards fresh, never towards stale.
// (@prisma/extension-read-replicas routes EVERY read to a replica unless told otherwise, and has no
// lag bound or fallback: the wrong default for an auth service.)
//
// A replica is used only while its last check (every REPLICA_CHECK_MS) found it reachable and no
// further behind than DATABASE_REPLICA_MAX_LAG_SECONDS; a query that fails on a replica for a
// connection reason marks it down and is run again on the primary.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { connectionFailureReason, describeTarget } from "./connection-errors.js";
import type { DbLog } from "./embedded.js";
import { createCounter, instrument } from "./statements.js";
import type { StatementCounter } from "./statements.js";

const REPLICA_CHECK_MS = 1000;

export interface ReplicaHealth {
  /** `host:port/database`, safe to show. */
  target: string;
  status: "OK" | "LAGGING" | "DOWN";
  /** Seconds of replay behind the primary (0 when caught up); null when unknown. */
  lagSeconds: number | null;
  message?: string;
}

export interface Replica {
  target: string;
  prisma: PrismaClient;
  statements: StatementCounter;
  health: ReplicaHealth;
}

export interface ReplicaSet {
  readonly replicas: readonly Replica[];
  /** Runs `read` on a usable replica, or on the primary when there is none or the replica fails. */
  readStale<T>(read: (db: PrismaClient) => Promise<T>): Promise<T>;
  /** Checks every replica now (also runs on a timer). */
  check(): Promise<ReplicaHealth[]>;
  close(): Promise<void>;
}

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "57P01", "57P02", "57P03", "08006", "08001", "08003", "P1001", "P1017"]);

/** A failure of the replica itself (unreachable, shutting down), as opposed to a bad query. */
function isConnectionFailure(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown; originalCode?: unknown }; message?: unknown } | null;
  const codes = [e?.code, e?.cause?.code, e?.cause?.originalCode].filter((c): c is string => typeof c === "string");
  if (codes.some((c) => CONNECTION_CODES.has(c))) return true;
  return /connect|terminat|Connection|socket|timeout/i.test(String(e?.message ?? ""));
}

export function createReplicaSet(
  urls: readonly string[],
  primary: { prisma: PrismaClient; pool: pg.Pool },
  options: { maxLagSeconds: number; poolMax: number; log?: DbLog | undefined },
): ReplicaSet {
  const { log } = options;
  const replicas: (Replica & { pool: pg.Pool; password: string | undefined })[] = urls.map((url) => {
    const t = describeTarget(url);
    const statements = createCounter();
    const pool = new pg.Pool({ connectionString: url, max: options.poolMax, connectionTimeoutMillis: 2000, idleTimeoutMillis: 10_000 });
    pool.on("connect", (client) => instrument(client, statements));
    pool.on("error", (err) => log?.("warn", "idle replica connection failed", { replica: t.hostPort, reason: connectionFailureReason(err, t.password) }));
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    const target = `${t.hostPort}/${t.database}`;
    // Unknown until the first check: not used before it.
    return { target, prisma, statements, pool, password: t.password, health: { target, status: "DOWN", lagSeconds: null, message: "not checked yet" } };
  });
  let next = 0;

  const markDown = (r: (typeof replicas)[number], err: unknown): void => {
    const message = connectionFailureReason(err, r.password);
    if (r.health.status !== "DOWN") log?.("warn", "read replica unavailable; its reads go to the primary", { replica: r.target, reason: message });
    r.health = { target: r.target, status: "DOWN", lagSeconds: null, message };
  };

  const checkOne = async (r: (typeof replicas)[number], primaryLsn: string | null): Promise<void> => {
    try {
      const { rows } = await r.pool.query<{ recovering: boolean; behind: string | null; seconds: number | null }>(
        // Bytes not yet replayed, and the age of the last replayed transaction (only meaningful while behind).
        `SELECT pg_is_in_recovery() AS recovering,
                pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::text AS behind,
                EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 AS seconds`,
        [primaryLsn ?? "0/0"],
      );
      const row = rows[0];
      if (!row?.recovering) {
        r.health = { target: r.target, status: "DOWN", lagSeconds: null, message: "not a replica (not in recovery)" };
        return;
      }
      const behind = primaryLsn === null ? null : Math.max(0, Number(row.behind ?? 0));
      const lagSeconds = behind === 0 ? 0 : behind === null ? null : Math.round((row.seconds ?? 0) * 10) / 10;
      const lagging = lagSeconds === null || lagSeconds > options.maxLagSeconds;
      if (lagging && r.health.status === "OK") log?.("warn", "read replica lagging; its reads go to the primary", { replica: r.target, lagSeconds });
      r.health = { target: r.target, status: lagging ? "LAGGING" : "OK", lagSeconds, ...(lagging ? { message: `behind by ${lagSeconds ?? "?"} s (limit ${options.maxLagSeconds} s)` } : {}) };
    } catch (err) {
      markDown(r, err);
    }
  };

  const set: ReplicaSet = {
    replicas,
    async readStale(read) {
      const usable = replicas.filter((r) => r.health.status === "OK");
      if (usable.length === 0) return read(primary.prisma);
      const r = usable[next++ % usable.length] as (typeof replicas)[number];
      try {
        return await read(r.prisma);
      } catch (err) {
        if (!isConnectionFailure(err)) throw err;
        markDown(r, err);
        return read(primary.prisma);
      }
    },
    async check() {
      const lsn = await primary.pool
        .query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn")
        .then((res) => res.rows[0]?.lsn ?? null)
        .catch(() => null);
      await Promise.all(replicas.map((r) => checkOne(r, lsn)));
      return replicas.map((r) => r.health);
    },
    async close() {
      clearInterval(timer);
      for (const r of replicas) {
        await r.prisma.$disconnect().catch(() => undefined);
        await r.pool.end().catch(() => undefined);
      }
    },
  };
  const timer = setInterval(() => void set.check(), REPLICA_CHECK_MS);
  timer.unref();
  void set.check();
  return set;
}

/** How long a viewer's reads stay on the primary after they start a write (read-your-writes). */
export function stickyPrimaryMs(maxLagSeconds: number): number {
  // Past this, any replica in use is at most maxLag behind as of its last check, and the write is older.
  return (maxLagSeconds + 2 * (REPLICA_CHECK_MS / 1000)) * 1000 + 15_000;
}
