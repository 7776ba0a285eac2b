// The database layer on embedded PGlite: the one connection, named statements, session reset, and
// the lockfile that keeps a second process off the data directory.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createDatabase } from "../../src/db/client.js";
import type { Database } from "../../src/db/client.js";
import { directRows, directStatement } from "../../src/db/direct.js";
import { EmbeddedDatabaseLockedError, lockPathFor, startEmbeddedPostgres } from "../../src/db/embedded.js";
import { serverEntry } from "../helpers/server.js";

const testConfig = (env: Record<string, string> = {}) => loadConfig({ NODE_ENV: "test", ...env });
const repoRoot = resolve(import.meta.dirname, "../..");
const statementName = (sql: string) => `s_${createHash("sha1").update(sql).digest("hex").slice(0, 16)}`;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "authgraph-db-test-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function run(cmd: string, args: string[]): Promise<{ code: number | null; pid: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, pid: child.pid ?? -1, stdout, stderr }));
  });
}

/**
 * What a second authgraph process does on start: open the embedded database, print the error if any.
 * It runs the built sources (test/helpers/server.ts) under plain node, as `npm start` does.
 */
async function startInChildProcess(dataDir: string, mode: "close" | "exit-without-close" = "close") {
  const script = join(tmp, "child-start.mjs");
  const moduleUrl = pathToFileURL(join(dirname(await serverEntry()), "db/embedded.js")).href;
  await writeFile(
    script,
    `import { startEmbeddedPostgres } from ${JSON.stringify(moduleUrl)};
try {
  const db = await startEmbeddedPostgres({ dataDir: process.argv[2] });
  console.log("started");
  if (process.argv[3] === "exit-without-close") process.exit(0);
  await db.close();
} catch (err) {
  process.stderr.write(err.message + "\\n");
  process.exitCode = 1;
}
`,
  );
  return run(process.execPath, [script, dataDir, mode]);
}

/** A client on the embedded server's one connection, once the server has let go of the previous one. */
async function connectWhenFree(url: string): Promise<pg.Client> {
  let client: pg.Client | null = null;
  await expect
    .poll(async () => {
      const attempt = new pg.Client({ connectionString: url });
      attempt.on("error", () => undefined);
      try {
        await attempt.connect();
        client = attempt;
        return true;
      } catch {
        await attempt.end().catch(() => undefined);
        return false;
      }
    }, { timeout: 10_000, interval: 20 })
    .toBe(true);
  if (!client) throw new Error("no connection");
  return client;
}

describe("embedded PGlite", () => {
  let dataDir: string;
  let db: Database;

  beforeAll(async () => {
    dataDir = join(tmp, "pglite");
    db = await createDatabase(testConfig({ DATA_DIR: dataDir }));
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  it("leaves the one connection free until first use (for a migration runner on the URL)", async () => {
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    expect((await other.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    await other.end();
  });

  it("gives a working Prisma connection", async () => {
    expect(db.embedded).toBe(true);
    expect(db.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const rows = await db.prisma.$queryRaw<{ one: number; v: string }[]>`select 1::int as one, version() as v`;
    expect(rows[0]?.one).toBe(1);
    expect(rows[0]?.v).toContain("PGlite");
  });

  it("reuses a named prepared statement", async () => {
    for (let i = 0; i < 5; i++) {
      const rows = await db.prisma.$queryRaw<{ x: number }[]>`select ${i}::int + 1 as x`;
      expect(rows[0]?.x).toBe(i + 1);
    }
    const prepared = await db.prisma.$queryRaw<{ name: string; statement: string }[]>`
      select name, statement from pg_prepared_statements`;
    const name = statementName("select $1::int + 1 as x");
    expect(prepared.filter((p) => p.name === name)).toHaveLength(1);
  });

  it("survives a reconnect: the PGlite session still holds the old statements", async () => {
    await db.prisma.$queryRaw`select ${1}::int * 2 as y`;
    const client = await db.pool.connect();
    client.release(true); // destroys the connection; the next query opens a new one
    expect(db.pool.totalCount).toBe(0);
    const rows = await db.prisma.$queryRaw<{ y: number }[]>`select ${21}::int * 2 as y`;
    expect(rows[0]?.y).toBe(42);
  });

  it("runs the driver's named statements (db/direct.ts) with array parameters, across a reconnect", async () => {
    const probe = directStatement("embedded_probe", "select $1::uuid[] as ids, $2::timestamptz as at");
    const ids = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"];
    const at = new Date("2026-01-02T03:04:05.678Z");
    for (let i = 0; i < 3; i++) expect(await directRows(db.pool, probe, [ids, at])).toEqual([{ ids, at }]);
    const client = await db.pool.connect();
    client.release(true);
    expect(await directRows(db.pool, probe, [ids, at])).toEqual([{ ids, at }]);
  });

  it("names the culprit when another client holds the one connection", async () => {
    const client = await db.pool.connect();
    client.release(true);
    // The server notices the closed socket a little later; until then it refuses a second client.
    const intruder = await connectWhenFree(db.url);
    try {
      const res = await db.ping(6000);
      expect(res.ok).toBe(false);
      expect(res.message).toMatch(/^the embedded database accepts one connection and another client has held it/);
    } finally {
      await intruder.end();
    }
    expect((await db.ping()).ok).toBe(true);
  });

  it("runs interactive transactions over its single connection", async () => {
    await db.prisma.$executeRawUnsafe("create table if not exists db_test_t (id int primary key)");
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`insert into db_test_t (id) values (${1})`;
      await tx.$executeRaw`insert into db_test_t (id) values (${2})`;
    });
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`insert into db_test_t (id) values (${3})`;
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const rows = await db.prisma.$queryRaw<{ n: number }[]>`select count(*)::int as n from db_test_t`;
    expect(rows[0]?.n).toBe(2);
  });

  it("ping answers and is not counted", async () => {
    db.statements.reset();
    const res = await db.ping();
    expect(res.ok).toBe(true);
    expect(res.latencyMs).toEqual(expect.any(Number));
    expect(db.statements.count).toBe(0);
  });

  it("refuses a second process with exactly one clear line", async () => {
    const res = await startInChildProcess(dataDir);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `Embedded database ${resolve(dataDir)} is in use by another authgraph process (pid ${process.pid}). Stop it or set DATA_DIR to another directory.\n`,
    );
  });

  it("refuses a second open in the same process", async () => {
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toBeInstanceOf(EmbeddedDatabaseLockedError);
  });

  it("takes over a stale lock left by a dead process, and releases it on close", async () => {
    await db.close();
    expect(existsSync(lockPathFor(dataDir))).toBe(false);
    const dead = await run(process.execPath, ["-e", ""]);
    await writeFile(lockPathFor(dataDir), `${dead.pid}\n`);
    const embedded = await startEmbeddedPostgres({ dataDir });
    try {
      expect((await readFile(lockPathFor(dataDir), "utf8")).trim()).toBe(String(process.pid));
    } finally {
      await embedded.close();
    }
    expect(existsSync(lockPathFor(dataDir))).toBe(false);
  });

  it("says so when the lock names a live process that is not authgraph (a recycled pid)", async () => {
    const other = join(tmp, "foreign-owner");
    const sleeper = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      await writeFile(lockPathFor(other), `${sleeper.pid}\n`);
      const err = await startEmbeddedPostgres({ dataDir: other }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EmbeddedDatabaseLockedError);
      expect((err as Error).message).toBe(
        `Embedded database ${other} is locked by pid ${sleeper.pid}, which is not an authgraph process (sleep 30). If no authgraph uses this directory, delete ${lockPathFor(other)}.`,
      );
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  it("releases the lock when the process exits without closing", async () => {
    const res = await startInChildProcess(dataDir, "exit-without-close");
    expect(res.stdout).toBe("started\n");
    expect(res.code).toBe(0);
    expect(existsSync(lockPathFor(dataDir))).toBe(false);
  });
});
