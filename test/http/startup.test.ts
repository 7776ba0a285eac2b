// Start-up behaviour of the real entry point: bad config, unreachable Postgres, unreachable Redis,
// a second process on one embedded data dir.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneTemplate, dropDatabase, TEST_ENV, urlFor } from "../helpers/pg.js";
import { graphqlOverHttp, spawnGateway } from "../helpers/spawn.js";

const base = { ...TEST_ENV, LOG_LEVEL: "warn", MIGRATE_ON_START: "true" };
let database: string;
beforeAll(async () => {
  database = await cloneTemplate();
});
afterAll(async () => {
  await dropDatabase(database);
});

describe("start-up", () => {
  it("malformed config: one line naming the variable, exit 1", async () => {
    const g = await spawnGateway({ ...base, CACHE_TIMEOUT_MS: "fast" });
    expect(await g.exited).toBe(1);
    expect(g.output().trim()).toBe('authgraph: invalid CACHE_TIMEOUT_MS: expected a whole number (got "fast")');
  });

  it("unreachable Postgres: one clear error, exit 1", async () => {
    const g = await spawnGateway({ ...base, DATABASE_URL: "postgresql://postgres:s3cret@127.0.0.1:1/nowhere" });
    expect(await g.exited).toBe(1);
    const out = g.output().trim();
    expect(out).toBe("authgraph: cannot start: Cannot reach PostgreSQL at 127.0.0.1:1: connection refused");
    expect(out).not.toContain("s3cret");
  });

  it("unreachable Redis: starts DEGRADED with one warning and serves from Postgres", async () => {
    const g = await spawnGateway({ ...base, DATABASE_URL: urlFor(database), REDIS_URL: "redis://127.0.0.1:1" });
    try {
      await g.waitForOutput(/ready: GraphiQL at/);
      const warnings = g.output().split("\n").filter((l) => l.includes('"level":"warn"'));
      expect(warnings.filter((l) => /redis/i.test(l))).toHaveLength(1);
      expect(warnings[0]).toContain("serving from Postgres");
      const res = await graphqlOverHttp(g.port, "{ health { status postgres { status } redis { status message } } }");
      const health = (res.body.data as { health: { status: string; postgres: { status: string }; redis: { status: string } } }).health;
      expect(health.status).toBe("DEGRADED");
      expect(health.postgres.status).toBe("OK");
      expect(health.redis.status).toBe("DEGRADED");
    } finally {
      g.kill();
      expect(await g.exited).toBe(0);
    }
  });

  it("embedded data dir in use: the second process gets one clear line", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "authgraph-lock-")), "pglite");
    const first = await spawnGateway({ ...base, DATA_DIR: dataDir, DATABASE_URL: undefined, REDIS_URL: undefined });
    try {
      await first.waitForOutput(/ready: GraphiQL at/, 60_000);
      const second = await spawnGateway({ ...base, DATA_DIR: dataDir, DATABASE_URL: undefined, REDIS_URL: undefined });
      expect(await second.exited).toBe(1);
      expect(second.output().trim()).toMatch(/^authgraph: cannot start: Embedded database .* is in use by another authgraph process \(pid \d+\)\. Stop it or set DATA_DIR to another directory\.$/);
    } finally {
      first.kill();
      expect(await first.exited).toBe(0);
    }
  }, 90_000);
});
