// Sessions end after the idle TTL without use, and at the absolute lifetime however often they are
// used. Use extends a session at most once per refresh interval, with one row write even under
// concurrency, and an extension that fails costs the request nothing.
import { describe, expect } from "vitest";
import { createLogger } from "../../src/observability/log.js";
import { instanceTest, test } from "../helpers/fixture.js";
import { asSuperuser } from "../helpers/instance.js";
import { DAY, HOUR, Q, mutate, sessionUpdates, viewer } from "../helpers/session-ops.js";

/** Idle 1 day, absolute 3 days, extension at most hourly. */
const shortLived = instanceTest({ env: { SESSION_IDLE_TTL_SECONDS: "86400", SESSION_ABSOLUTE_TTL_SECONDS: String(3 * 86400), SESSION_REFRESH_INTERVAL_SECONDS: "3600" } });

/** Counts row updates of `sessions` (a trigger, so every writer counts, not only this instance). */
const counting = test.extend("rowUpdates", { scope: "file" }, async ({ t }) => {
  await asSuperuser(t, (c) =>
    c.query(`CREATE TABLE test_session_updates (n bigint NOT NULL);
     INSERT INTO test_session_updates VALUES (0);
     CREATE FUNCTION test_count_session_update() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN UPDATE test_session_updates SET n = n + 1; RETURN NEW; END $$;
     CREATE TRIGGER test_count_session_update AFTER UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION test_count_session_update();`),
  );
  return async (): Promise<number> => Number((await asSuperuser(t, (c) => c.query<{ n: string }>("SELECT n FROM test_session_updates"))).rows[0]?.n ?? 0);
});

/** Extends after a minute of use, and keeps what it logs. */
const logLines: string[] = [];
const failing = instanceTest({
  env: { SESSION_REFRESH_INTERVAL_SECONDS: "60" },
  log: createLogger({ LOG_LEVEL: "warn" }, { write: (line: string) => void logLines.push(line) }),
});

describe("idle and absolute expiry", () => {
  shortLived("an unused session dies after the idle TTL (cached or not)", async ({ t, member: u }) => {
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

  shortLived("a session in constant use slides until the absolute cap, then dies", async ({ t, member: u }) => {
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

  shortLived("refreshSession never extends past the absolute cap", async ({ t, member: u }) => {
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
  counting("N requests within the refresh interval send no UPDATE; after it, exactly one", async ({ t, member: u, rowUpdates }) => {
    t.statements.reset();
    for (let i = 0; i < 20; i++) {
      t.clock.advance(60_000); // 20 min in total, inside the 1 h interval
      expect(await viewer(t, u.token)).not.toBeNull();
    }
    expect(sessionUpdates(t)).toHaveLength(0);

    t.clock.advance(HOUR);
    t.statements.reset();
    const before = await rowUpdates();
    for (let i = 0; i < 20; i++) expect(await viewer(t, u.token)).not.toBeNull();
    expect(sessionUpdates(t)).toHaveLength(1);
    expect((await rowUpdates()) - before).toBe(1);
    const row = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    expect(row.lastSeenAt.getTime()).toBeGreaterThan(row.createdAt.getTime() + HOUR);
  });

  counting("N CONCURRENT requests after the interval: at most one UPDATE statement and one row write", async ({ t, member: u, rowUpdates }) => {
    await viewer(t, u.token); // cached
    t.clock.advance(HOUR + 1000);
    t.statements.reset();
    const before = await rowUpdates();
    const results = await Promise.all(Array.from({ length: 25 }, () => viewer(t, u.token)));
    expect(results.every((v) => v !== null)).toBe(true);
    expect(sessionUpdates(t).length).toBeLessThanOrEqual(1);
    expect((await rowUpdates()) - before).toBe(1);
  });

  counting("a stale cached copy (the row moved on elsewhere) heals after one losing UPDATE", async ({ t, member: u }) => {
    await viewer(t, u.token); // cached with lastSeenAt = sign-in time
    t.clock.advance(HOUR + 1000);
    // Someone else (another deployment, an operator) moved lastSeenAt without touching our cache.
    await t.db.session.update({ where: { id: u.sessionId }, data: { lastSeenAt: t.clock.now() } });
    t.statements.reset();
    for (let i = 0; i < 5; i++) expect(await viewer(t, u.token)).not.toBeNull();
    expect(sessionUpdates(t)).toHaveLength(1);
  });

  counting("an extension racing a revoke does not admit the request", async ({ t, member: u }) => {
    await viewer(t, u.token);
    t.clock.advance(HOUR + 1000);
    // Revoked in Postgres only (as if the revoke committed between our cache read and our UPDATE).
    await t.db.session.update({ where: { id: u.sessionId }, data: { revokedAt: t.clock.now(), revokedReason: "revoked" } });
    expect(await viewer(t, u.token)).toBeNull();
  });

  counting("two instances extending the same session concurrently write the row once", async ({ t, member: u, rowUpdates }) => {
    const b = await t.sibling();
    await viewer(t, u.token);
    t.clock.advance(HOUR + 1000);
    b.clock.advance(t.clock.now().getTime() - b.clock.now().getTime());
    const before = await rowUpdates();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => viewer(i % 2 ? t : b, u.token)));
    expect(results.every((v) => v !== null)).toBe(true);
    expect((await rowUpdates()) - before).toBe(1);
    // Afterwards both instances see the extended session without writing again.
    t.statements.reset();
    b.statements.reset();
    await viewer(t, u.token);
    await viewer(b, u.token);
    expect([...sessionUpdates(t), ...sessionUpdates(b)]).toHaveLength(0);
  });
});

describe("a failing extension", () => {
  failing("does not fail the request: the viewer is answered and the failure logged at warn", async ({ t, member: u }) => {
    expect(await viewer(t, u.token)).not.toBeNull(); // cached
    await asSuperuser(t, (c) =>
      c.query(`CREATE FUNCTION test_refuse_session_update() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'test: session updates refused'; END $$;
       CREATE TRIGGER test_refuse_session_update BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION test_refuse_session_update();`),
    );
    const before = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    t.clock.advance(61_000); // past the refresh interval: this request tries to extend

    const res = await t.gql<{ viewer: { session: { id: string }; user: { email: string } } | null }>(`{ viewer { session { id } user { email } } }`, {}, { token: u.token });
    expect(res.errors).toBeUndefined();
    expect(res.data?.viewer).toEqual({ session: { id: u.sessionGid }, user: { email: u.email } });

    const warnings = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === "session extension failed");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: "warn", sessionId: u.sessionId });
    // Nothing was extended.
    const after = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    expect(after.lastSeenAt).toEqual(before.lastSeenAt);
    expect(after.expiresAt).toEqual(before.expiresAt);
  });
});
