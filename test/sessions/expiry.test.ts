// Sessions end after the idle TTL without use, and at the absolute lifetime however often they are used.
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import { DAY, HOUR, Q, mutate, viewer } from "../helpers/session-ops.js";

// Idle 1 day, absolute 3 days, extension at most hourly.
const test = instanceTest({ env: { SESSION_IDLE_TTL_SECONDS: "86400", SESSION_ABSOLUTE_TTL_SECONDS: String(3 * 86400), SESSION_REFRESH_INTERVAL_SECONDS: "3600" } });

describe("idle and absolute expiry", () => {
  test("an unused session dies after the idle TTL (cached or not)", async ({ t, member: u }) => {
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

  test("a session in constant use slides until the absolute cap, then dies", async ({ t, member: u }) => {
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

  test("refreshSession never extends past the absolute cap", async ({ t, member: u }) => {
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
