// The database layer on the machine's PostgreSQL: statement counting, hash-named prepared
// statements, ping, and failing start-up with one clear line.
import { createHash } from "node:crypto";
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createDatabase, createStatementNamer } from "../../src/db/client.js";
import type { Database } from "../../src/db/client.js";
import { SERVER_URL } from "../helpers/pg.js";

// One connection attempt: the start-up retries (DATABASE_START_TIMEOUT_MS) are tested in connection-faults.test.ts.
const testConfig = (env: Record<string, string> = {}) => loadConfig({ NODE_ENV: "test", DATABASE_START_TIMEOUT_MS: "0", ...env });
const statementName = (sql: string) => `s_${createHash("sha1").update(sql).digest("hex").slice(0, 16)}`;

describe("PostgreSQL via DATABASE_URL", () => {
  let db: Database;
  beforeAll(async () => {
    db = await createDatabase(testConfig({ DATABASE_URL: SERVER_URL, DATABASE_POOL_MAX: "1" }));
  });
  afterAll(async () => {
    await db?.close();
  });

  it("works and counts statements", async () => {
    expect(db.embedded).toBe(false);
    const server = new URL(SERVER_URL);
    expect(db.target).toBe(`${server.hostname}:${server.port || "5432"}${server.pathname}`);
    db.statements.reset();
    await db.prisma.$queryRaw`select 1`;
    await db.prisma.$queryRaw`select ${2}::int`;
    await db.prisma.$queryRaw`select 3`;
    expect(db.statements.count).toBe(3);
    expect(db.statements.log).toEqual(["select 1", "select $1::int", "select 3"]);
  });

  it("counts the statements of batch and interactive transactions, BEGIN and COMMIT included", async () => {
    db.statements.reset();
    await db.prisma.$transaction([db.prisma.$queryRaw`select 1`, db.prisma.$queryRaw`select 2`]);
    expect(db.statements.log).toEqual(["BEGIN", "select 1", "select 2", "COMMIT"]);
    db.statements.reset();
    await db.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`select 1`;
      await tx.$queryRaw`select 2`;
    });
    expect(db.statements.log).toEqual(["BEGIN", "select 1", "select 2", "COMMIT"]);
    expect(db.statements.count).toBe(4);
  });

  it("uses hash-named prepared statements on the connection", async () => {
    for (let i = 0; i < 3; i++) await db.prisma.$queryRaw`select ${i}::int as n, 'named' as tag`;
    const prepared = await db.prisma.$queryRaw<{ name: string; statement: string }[]>`
      select name, statement from pg_prepared_statements`;
    const mine = prepared.filter((p) => p.name === statementName(`select $1::int as n, 'named' as tag`));
    expect(mine).toHaveLength(1);
    expect(mine[0]?.statement).toBe(`select $1::int as n, 'named' as tag`);
  });

  it("ping never throws, also after close", async () => {
    expect((await db.ping(1000)).ok).toBe(true);
    const other = await createDatabase(testConfig({ DATABASE_URL: SERVER_URL }));
    await other.close();
    const res = await other.ping(1000);
    expect(res.ok).toBe(false);
    expect(res.message).toBeTruthy();
  });
});

describe("start-up failures", () => {
  it("fails with one line and no password when PostgreSQL refuses the connection", async () => {
    const err = await createDatabase(testConfig({ DATABASE_URL: "postgresql://app:s3cr3t-pw@127.0.0.1:1/app" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toBe("Cannot reach PostgreSQL at 127.0.0.1:1: connection refused");
    expect(message).not.toContain("s3cr3t");
  });

  it("gives up on a server that accepts but never answers within the time box", async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const err = await createDatabase(testConfig({ DATABASE_URL: `postgresql://app:s3cr3t-pw@127.0.0.1:${port}/app` })).catch(
        (e: unknown) => e,
      );
      // "timed out": the start-up time box gave up, rather than the socket or the test.
      expect((err as Error).message).toMatch(new RegExp(`^Cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}: .*timed out`));
      expect((err as Error).message).not.toContain("s3cr3t");
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it("names statements by SQL hash and stops naming past its limit", () => {
    const namer = createStatementNamer(2);
    expect(namer({ sql: "select 1" })).toBe(statementName("select 1"));
    expect(namer({ sql: "select 2" })).toBe(statementName("select 2"));
    expect(namer({ sql: "select 3" })).toBe("");
    expect(namer({ sql: "select 1" })).toBe(statementName("select 1"));
  });
});
