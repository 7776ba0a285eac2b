import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstance } from "../helpers/instance.js";
import type { TestInstance } from "../helpers/instance.js";
import { urlFor } from "../helpers/pg.js";
import { DAY, HOUR, Q, mutate, sessionUpdates, viewer } from "../helpers/session-ops.js";

/** Counts row updates of `sessions` in the instance's database (a trigger, so every writer counts). */
async function installUpdateCounter(t: TestInstance): Promise<() => Promise<number>> {
  const client = new pg.Client({ connectionString: urlFor(t.databaseName) });
  await client.connect();
  await client.query(`
    CREATE TABLE IF NOT EXISTS test_session_updates (n bigint NOT NULL);
    INSERT INTO test_session_updates SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM test_session_updates);
    CREATE OR REPLACE FUNCTION test_count_session_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN UPDATE test_session_updates SET n = n + 1; RETURN NEW; END $$;
    DROP TRIGGER IF EXISTS test_count_session_update ON sessions;
    CREATE TRIGGER test_count_session_update AFTER UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION test_count_session_update();`);
  await client.end();
  return async () => {
    const c = new pg.Client({ connectionString: urlFor(t.databaseName) });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>("SELECT n FROM test_session_updates");
      return Number(r.rows[0]?.n ?? 0);
    } finally {
      await c.end();
    }
  };
}

describe("idle and absolute expiry", () => {
  let t: TestInstance;
  beforeAll(async () => {
    // Idle 1 day, absolute 3 days, extension at most hourly.
    t = await createTestInstance({ env: { SESSION_IDLE_TTL_SECONDS: "86400", SESSION_ABSOLUTE_TTL_SECONDS: String(3 * 86400), SESSION_REFRESH_INTERVAL_SECONDS: "3600" } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("an unused session dies after the idle TTL (cached or not)", async () => {
    const u = await t.signInAs({});
    expect(await viewer(t, u.token)).not.toBeNull(); // now cached
    t.clock.advance(DAY - 60_000);
    expect(await viewer(t, u.token)).not.toBeNull(); // just inside: and this use slides it
    t.clock.advance(DAY - 60_000);
    expect(await viewer(t, u.token)).not.toBeNull();
    t.clock.advance(DAY + 1000);
    expect(await viewer(t, u.token)).toBeNull();
    // And from Postgres (cache dropped) too.
    await t.app.cache.del([`session:${u.sessionId}`]);
    expect(await viewer(t, u.token)).toBeNull();
    // An expired session cannot be refreshed back to life.
    expect((await mutate(t, Q.refresh, {}, u.token)).__typename).toBe("UnauthenticatedError");
  });

  it("a session in constant use slides until the absolute cap, then dies", async () => {
    const u = await t.signInAs({});
    const start = t.clock.now().getTime();
    let lastAlive = start;
    for (let i = 0; i < 10; i++) {
      t.clock.advance(10 * HOUR);
      const v = await viewer(t, u.token);
      if (!v) break;
      lastAlive = t.clock.now().getTime();
      expect(new Date(v.session.expiresAt).getTime()).toBeLessThanOrEqual(start + 3 * DAY + 1000);
    }
    // Alive at 70 h (< 72 h cap), dead at 80 h although used every 10 h (< 24 h idle). Real time
    // passes too, hence the range.
    expect(lastAlive - start).toBeGreaterThanOrEqual(70 * HOUR);
    expect(lastAlive - start).toBeLessThan(71 * HOUR);
    expect(await viewer(t, u.token)).toBeNull();
    const row = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    expect(row.expiresAt.getTime()).toBeLessThanOrEqual(row.absoluteExpiresAt.getTime());
  });

  it("refreshSession never extends past the absolute cap", async () => {
    const u = await t.signInAs({});
    for (let i = 0; i < 3; i++) {
      t.clock.advance(20 * HOUR); // used often enough to stay inside the idle TTL
      expect(await viewer(t, u.token)).not.toBeNull();
    }
    const r = await mutate(t, Q.refresh, {}, u.token);
    expect(r.__typename).toBe("Session");
    const row = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    expect(row.expiresAt).toEqual(row.absoluteExpiresAt);
    t.clock.advance(12 * HOUR + 1000);
    expect(await viewer(t, u.token)).toBeNull();
  });
});

describe("extension throttling", () => {
  let t: TestInstance;
  let updates: () => Promise<number>;
  beforeAll(async () => {
    t = await createTestInstance();
    updates = await installUpdateCounter(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("N requests within the refresh interval send no UPDATE; after it, exactly one", async () => {
    const u = await t.signInAs({});
    t.statements.reset();
    for (let i = 0; i < 20; i++) {
      t.clock.advance(60_000); // 20 min in total, inside the 1 h interval
      expect(await viewer(t, u.token)).not.toBeNull();
    }
    expect(sessionUpdates(t)).toHaveLength(0);

    t.clock.advance(HOUR);
    t.statements.reset();
    const before = await updates();
    for (let i = 0; i < 20; i++) expect(await viewer(t, u.token)).not.toBeNull();
    expect(sessionUpdates(t)).toHaveLength(1);
    expect((await updates()) - before).toBe(1);
    const row = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    expect(row.lastSeenAt.getTime()).toBeGreaterThan(row.createdAt.getTime() + HOUR);
  });

  it("N CONCURRENT requests after the interval: at most one UPDATE statement and one row write", async () => {
    const u = await t.signInAs({});
    await viewer(t, u.token); // cached
    t.clock.advance(HOUR + 1000);
    t.statements.reset();
    const before = await updates();
    const results = await Promise.all(Array.from({ length: 25 }, () => viewer(t, u.token)));
    expect(results.every((v) => v !== null)).toBe(true);
    expect(sessionUpdates(t).length).toBeLessThanOrEqual(1);
    expect((await updates()) - before).toBe(1);
  });

  it("a stale cached copy (the row moved on elsewhere) heals after one losing UPDATE", async () => {
    const u = await t.signInAs({});
    await viewer(t, u.token); // cached with lastSeenAt = sign-in time
    t.clock.advance(HOUR + 1000);
    // Someone else (another deployment, an operator) moved lastSeenAt without touching our cache.
    await t.db.session.update({ where: { id: u.sessionId }, data: { lastSeenAt: t.clock.now() } });
    t.statements.reset();
    for (let i = 0; i < 5; i++) expect(await viewer(t, u.token)).not.toBeNull();
    expect(sessionUpdates(t)).toHaveLength(1);
  });

  it("an extension racing a revoke does not admit the request", async () => {
    const u = await t.signInAs({});
    await viewer(t, u.token);
    t.clock.advance(HOUR + 1000);
    // Revoked in Postgres only (as if the revoke committed between our cache read and our UPDATE).
    await t.db.session.update({ where: { id: u.sessionId }, data: { revokedAt: t.clock.now(), revokedReason: "revoked" } });
    expect(await viewer(t, u.token)).toBeNull();
  });

  it("two instances extending the same session concurrently write the row once", async () => {
    const b = await t.sibling();
    const u = await t.signInAs({});
    await viewer(t, u.token);
    t.clock.advance(HOUR + 1000);
    b.clock.advance(t.clock.now().getTime() - b.clock.now().getTime());
    const before = await updates();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => viewer(i % 2 ? t : b, u.token)));
    expect(results.every((v) => v !== null)).toBe(true);
    expect((await updates()) - before).toBe(1);
    // Afterwards both instances see the extended session without writing again.
    t.statements.reset();
    b.statements.reset();
    await viewer(t, u.token);
    await viewer(b, u.token);
    expect([...sessionUpdates(t), ...sessionUpdates(b)]).toHaveLength(0);
  });
});
