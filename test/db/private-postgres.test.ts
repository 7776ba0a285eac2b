// The private PostgreSQL harness the fault and replica tests build on: its own cluster on a free port,
// a streaming replica that follows it (and can be paused), a crash and a restart on the same data.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { query } from "../helpers/migrations.js";
import { startPostgresServer } from "../helpers/postgres-server.js";
import type { PostgresServer } from "../helpers/postgres-server.js";

describe("a private PostgreSQL cluster", () => {
  let primary: PostgresServer;
  let replica: PostgresServer;
  beforeAll(async () => {
    primary = await startPostgresServer();
    replica = await primary.startReplica();
  }, 120_000);
  afterAll(async () => {
    await replica?.dispose();
    await primary?.dispose();
  });

  test("runs on its own port, not the shared 5432", async () => {
    expect(primary.port).not.toBe(5432);
    expect(await query<{ port: string }>(primary.url, "SHOW port")).toEqual([{ port: String(primary.port) }]);
  });

  test("a replica streams the primary's writes and lags while replay is paused", async () => {
    await query(primary.url, "CREATE TABLE t (n int)");
    await query(primary.url, "INSERT INTO t VALUES (1)");
    await expect.poll(async () => (await query<{ n: number }>(replica.url, "SELECT count(*)::int AS n FROM t").catch(() => [{ n: -1 }]))[0]?.n, { timeout: 20_000 }).toBe(1);
    expect(await query(replica.url, "SELECT pg_is_in_recovery() AS r")).toEqual([{ r: true }]);

    await query(replica.url, "SELECT pg_wal_replay_pause()");
    await query(primary.url, "INSERT INTO t VALUES (2)");
    await query(primary.url, "SELECT pg_switch_wal()");
    await expect.poll(async () => (await query<{ n: number }>(replica.url, "SELECT count(*)::int AS n FROM pg_stat_wal_receiver WHERE written_lsn > (SELECT pg_last_wal_replay_lsn())"))[0]?.n, { timeout: 20_000 }).toBe(1);
    expect(await query(replica.url, "SELECT count(*)::int AS n FROM t")).toEqual([{ n: 1 }]);
    await query(replica.url, "SELECT pg_wal_replay_resume()");
    await expect.poll(async () => (await query<{ n: number }>(replica.url, "SELECT count(*)::int AS n FROM t"))[0]?.n, { timeout: 20_000 }).toBe(2);
  });

  test("survives kill -9 and restarts on the same data", async () => {
    await query(primary.url, "CREATE TABLE IF NOT EXISTS k (n int)");
    await query(primary.url, "INSERT INTO k VALUES (7)");
    const pid = primary.pid;
    expect(pid).toBeGreaterThan(0);
    await primary.stop("SIGKILL");
    expect(primary.pid).toBeNull();
    await expect(query(primary.url, "SELECT 1")).rejects.toThrow();
    await primary.start();
    expect(await query(primary.url, "SELECT n FROM k")).toEqual([{ n: 7 }]);
  });
});
