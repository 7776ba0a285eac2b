// What one request of each benchmark workload (bench/run.ts, W0–W6) costs in round trips: SQL
// statements sent by Prisma and commands sent to Redis, pinned exactly, so a change that adds a
// round trip shows here rather than as a slower bench. (Timings live in bench/, never here.)
import { describe, expect } from "vitest";
import { countWorkloads } from "../../bench/perf/count.js";
import type { Counts } from "../../bench/perf/count.js";
import { seedFixture } from "../../bench/perf/fixture.js";
import type { Fixture } from "../../bench/perf/fixture.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { urlFor } from "../helpers/pg.js";

// The bench's data at a size where a 50-user page is full.
// The outbox drain (every CACHE_OUTBOX_INTERVAL_MS) may rewrite W6's tombstone during the request: a
// background write, not the request's own, so it is kept out of the window being counted.
const base = instanceTest({ env: { CACHE_OUTBOX_INTERVAL_MS: "60000" } });
const test = base.extend("fixture", { scope: "file" }, async ({ t }) =>
  seedFixture(urlFor(t.databaseName), { users: 60, sessionsPerUser: 3, roles: 20, permissions: 100, auditEvents: 200 }),
);

async function cost(t: TestInstance, fixture: Fixture, id: string): Promise<Counts> {
  const counts = (await countWorkloads(t.app, t.yoga, fixture, [id]))[id];
  if (!counts) throw new Error(`no counts for ${id}`);
  return counts;
}

const show = (c: Counts): string => `${c.statements.join("\n---\n")}\n=== redis: ${c.commands.join(" ")}`;

describe("round trips per request of each bench workload", () => {
  test("W0 { __typename }: nothing", async ({ t, fixture }) => {
    const c = await cost(t, fixture, "W0");
    expect([c.sql, c.redis], show(c)).toEqual([0, 0]);
  });

  test("W1 viewer with a cold cache: one statement (the session joined with its user), the session write-back", async ({ t, fixture }) => {
    const c = await cost(t, fixture, "W1");
    expect([c.sql, c.redis], show(c)).toEqual([1, 2]);
    expect(c.commands).toEqual(["MGET", "EVAL"]);
  });

  test("W2 viewer with a warm cache: no SQL, one MGET (session and its epoch)", async ({ t, fixture }) => {
    const c = await cost(t, fixture, "W2");
    expect([c.sql, c.redis], show(c)).toEqual([0, 1]);
    expect(c.commands).toEqual(["MGET"]);
  });

  test("W3 50-user page with a cold cache: at most 4 statements", async ({ t, fixture }) => {
    const c = await cost(t, fixture, "W3");
    expect([c.sql, c.redis], show(c)).toEqual([4, 4]);
  });

  test("W3 10-user page with a cold cache costs what the 50-user page costs", async ({ t, fixture }) => {
    const small = await cost(t, fixture, "W3s");
    const large = await cost(t, fixture, "W3");
    expect([small.sql, small.redis], show(small)).toEqual([large.sql, large.redis]);
  });

  test("W3 50-user page with a warm cache", async ({ t, fixture }) => {
    const c = await cost(t, fixture, "W3w");
    expect([c.sql, c.redis], show(c)).toEqual([2, 2]);
  });

  test("W4 effective permissions, cold and warm", async ({ t, fixture }) => {
    const cold = await cost(t, fixture, "W4");
    expect([cold.sql, cold.redis], show(cold)).toEqual([2, 4]);
    const warm = await cost(t, fixture, "W4w");
    expect([warm.sql, warm.redis], show(warm)).toEqual([0, 2]);
  });

  test("W5 sign-in", async ({ t, fixture }) => {
    const c = await cost(t, fixture, "W5");
    // The account, whether it has a second factor and the attempt reserved against it (committed before
    // the password is checked) in one statement; then ONE statement (atomic without BEGIN/COMMIT) with the
    // user's sign-in columns, the new session and the audit event. Redis: the attempt windows reserved,
    // then given back, and the user's fragment dropped (the request has no address, so no known-source lookup).
    expect([c.sql, c.redis], show(c)).toEqual([2, 3]);
    expect(c.statements[1]).toMatch(/INSERT INTO sessions[\s\S]*audit_write\(/);
    expect(c.commands).toEqual(["EVALSHA", "DEL", "DEL"]);
  });

  test("W6 an admin revokes a session", async ({ t, fixture }) => {
    const c = await cost(t, fixture, "W6");
    // ONE statement (atomic on its own, no BEGIN/COMMIT): it revokes, writes the tombstone's row in the
    // invalidation outbox (README "Reliability") and the audit event, and returns the row the response
    // is built from. An operator's revoke reads nothing first; the response re-reads nothing. (The
    // linker's pass after it is background work, counted apart.)
    expect([c.sql, c.redis], show(c)).toEqual([1, 3]);
    expect(c.statements[0]).toMatch(/audit_write\(/);
  });
});
