// Redis dies in the middle of traffic. No request may fail, health must say DEGRADED (without waiting
// for traffic) and OK again after recovery, hits must resume, and a session revoked (or a permission
// withdrawn) while Redis was down must stay refused during and after the outage on every instance.
//
// Redis is SAVEd before it is killed, so it comes back WITH the entries written before the outage
// (as a persistent Redis, or one that was only partitioned away, would). A Redis that comes back
// empty cannot resurrect anything; the interesting case is the one that can.
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { HEALTH, USERS_PAGE, VIEWER } from "../helpers/cache-app.js";
import { privateRedisTest } from "../helpers/fixture.js";
import { createTestInstance } from "../helpers/instance.js";
import type { GraphQLResponse, TestInstance } from "../helpers/instance.js";

// A time box well above a scheduling hiccup of this machine: the SQL counts below treat a timed-out
// read as a miss, and this test is about the outage, not about slow replies.
const ENV = { CACHE_TIMEOUT_MS: "250", CACHE_BREAKER_FAILURES: "3", CACHE_BREAKER_COOLDOWN_MS: "1000" };
// Waiting on reconnects and cool-downs: a bound for a loaded machine, not a spec.
const RECOVERY = { timeout: 15_000, interval: 20 };

/** `t` is instance A; `b` a second instance on the same database and Redis; 12 more members to list. */
const test = privateRedisTest(ENV).extend("b", { scope: "file" }, async ({ t: a }) => {
  const member = await a.db.role.findUniqueOrThrow({ where: { key: "member" } });
  for (let i = 0; i < 12; i++) {
    await a.db.user.create({ data: { email: `outage${i}@test.local`, name: `outage ${i}`, roles: { create: { roleId: member.id } } } });
  }
  return a.sibling();
});

type Health = GraphQLResponse<{ health: { status: string; redis: { status: string; message: string | null } } }>;
const health = async (t: TestInstance): Promise<string | undefined> => ((await t.gql(HEALTH)) as Health).data?.health.status;

const REVOKE = `mutation($id: ID!) { revokeSession(id: $id) { __typename ... on Error { message } } }`;
const REVOKE_ROLE = `mutation($u: ID!, $r: String!) { revokeRole(userId: $u, roleKey: $r) { __typename ... on Error { message } } }`;
const USERS_1 = `{ users(first: 1) { edges { node { id } } } }`;

/** Whether `token` may list users on `t` (an authorization decision made from the permission set). */
async function mayListUsers(t: TestInstance, token: string): Promise<boolean> {
  const res = await t.gql(USERS_1, {}, { token });
  const code = res.errors?.[0]?.extensions?.code;
  if (res.errors && code !== "FORBIDDEN") throw new Error(`unexpected: ${JSON.stringify(res.errors)}`);
  return !res.errors;
}

async function viewerOf(t: TestInstance, token: string): Promise<unknown> {
  const res = await t.gql<{ viewer: unknown }>(VIEWER, {}, { token });
  expect(res.errors).toBeUndefined();
  return res.data?.viewer ?? null;
}

describe("Redis killed in the middle of 500 viewer + users requests", () => {
  test("fails no request, degrades and recovers health, resumes hits, and keeps revoked sessions refused", async ({ t: a, b, admin, redis, raw, prefix }) => {
    const victims = { viaA: await a.signInAs({ roles: ["member"] }), viaC: await a.signInAs({ roles: ["member"] }) };
    // Both victims' fragments cached (by B) before the outage, and persisted with them.
    for (const v of Object.values(victims)) expect(await viewerOf(b, v.token)).not.toBeNull();
    for (const v of Object.values(victims)) expect(await raw.exists(`${prefix}${keys.session(v.sessionId)}`)).toBe(1);
    // A permission withdrawn during the outage, by the instance that goes away: cached before it.
    const reader = await a.signInAs({ roles: ["member"], permissions: ["users:read"] });
    const readerRole = (await a.db.userRole.findMany({ where: { userId: reader.userId }, select: { role: { select: { key: true } } } }))
      .map((g) => g.role.key)
      .find((k) => k.startsWith("test-"));
    expect(await mayListUsers(b, reader.token)).toBe(true);
    expect(await raw.exists(`${prefix}${keys.perms(reader.userId)}`)).toBe(1);

    const failures: string[] = [];
    const sqlPerIteration: number[] = [];
    let phase: Promise<void> = Promise.resolve();

    for (let i = 0; i < 500; i++) {
      if (i === 150) {
        await raw.save();
        // Not awaited: the loop keeps sending requests while the process dies.
        phase = redis.stop().then(async () => {
          for (const t of [a, b]) await expect.poll(() => health(t), RECOVERY).toBe("DEGRADED");
        });
      }
      if (i === 250) {
        await phase;
        // One revoke through A (which survives and replays its delete), one through an instance
        // that goes away before Redis returns (nobody is left to replay its delete).
        const c = await createTestInstance({ databaseName: a.databaseName, cacheNamespace: prefix.slice("auth:".length, -1), env: { REDIS_URL: redis.url, ...ENV } });
        const cAdmin = await c.signInAs("admin");
        for (const [t, token, v] of [[a, admin.token, victims.viaA], [c, cAdmin.token, victims.viaC]] as const) {
          const res = await t.gql<{ revokeSession: { __typename: string } }>(REVOKE, { id: v.sessionGid }, { token });
          expect(res.errors).toBeUndefined();
          expect(res.data?.revokeSession.__typename).toBe("Session");
        }
        const withdrawn = await c.gql<{ revokeRole: { __typename: string } }>(REVOKE_ROLE, { u: reader.userGid, r: readerRole }, { token: cAdmin.token });
        expect(withdrawn.errors).toBeUndefined();
        expect(withdrawn.data?.revokeRole.__typename).toBe("User");
        await c.close();
        // Refused during the outage, on every instance.
        for (const v of Object.values(victims)) for (const t of [a, b]) expect(await viewerOf(t, v.token)).toBeNull();
        for (const t of [a, b]) expect(await mayListUsers(t, reader.token)).toBe(false);
      }
      if (i === 350) {
        await redis.start();
        for (const t of [a, b]) await expect.poll(() => health(t), RECOVERY).toBe("OK");
        // The first thing each instance serves after recovery: still refused.
        for (const v of Object.values(victims)) for (const t of [a, b]) expect(await viewerOf(t, v.token)).toBeNull();
        for (const t of [a, b]) expect(await mayListUsers(t, reader.token)).toBe(false);
      }

      const t = i % 2 === 0 ? a : b;
      const before = a.statements.count + b.statements.count;
      const [viewer, users] = await Promise.all([
        t.gql<{ viewer: { user: { id: string } } | null }>(VIEWER, {}, { token: admin.token }),
        t.gql<{ users: { edges: unknown[] } }>(USERS_PAGE, { n: 10 }, { token: admin.token }),
      ]);
      sqlPerIteration.push(a.statements.count + b.statements.count - before);
      if (viewer.errors || viewer.data?.viewer?.user.id !== admin.userGid) failures.push(`viewer #${i}: ${JSON.stringify(viewer)}`);
      if (users.errors || users.data?.users.edges.length !== 10) failures.push(`users #${i}: ${JSON.stringify(users).slice(0, 300)}`);
    }
    await phase;

    const avg = (from: number, to: number): number => {
      const slice = sqlPerIteration.slice(from, to);
      return slice.reduce((s, n) => s + n, 0) / slice.length;
    };
    const sql = { before: avg(50, 150), during: avg(160, 350), after: avg(420, 500) };

    expect(failures).toEqual([]);
    // Warm: the users page query is the only statement. Down: sessions and permissions come from
    // Postgres. Back: hits again (the first requests re-warm). Not exactly 1: a read that outlasts
    // the time box on a loaded machine is a miss.
    expect(sql.before).toBeLessThan(1.1);
    expect(sql.during).toBeGreaterThanOrEqual(4);
    expect(sql.after).toBeLessThan(1.1);

    // Still refused once both instances have finished recovering (replays and epoch bumps done),
    // with Redis holding whatever it held before the outage.
    for (const t of [a, b]) await expect.poll(() => t.app.cache.status(), RECOVERY).toEqual({ status: "OK", breaker: "closed" });
    for (const v of Object.values(victims)) for (const t of [a, b]) expect(await viewerOf(t, v.token)).toBeNull();
    for (const t of [a, b]) expect(await mayListUsers(t, reader.token)).toBe(false);
    expect(await health(a)).toBe("OK");
    expect(await health(b)).toBe("OK");
  });
});
