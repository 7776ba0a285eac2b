// Issue 6: Redis dies in the middle of traffic. No request may fail, health must say DEGRADED at
// once and OK again after recovery, hits must resume, and a session revoked (or a permission
// withdrawn) while Redis was down must stay refused during and after the outage on every instance.
//
// Redis is SAVEd before it is killed, so it comes back WITH the entries written before the outage
// (as a persistent Redis, or one that was only partitioned away, would). A Redis that comes back
// empty cannot resurrect anything; the interesting case is the one that can.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { HEALTH, USERS_PAGE, VIEWER, startCacheApp } from "../helpers/cache-app.js";
import type { CacheAppRig } from "../helpers/cache-app.js";
import { createTestInstance } from "../helpers/instance.js";
import type { GraphQLResponse, SignedIn, TestInstance } from "../helpers/instance.js";
import { sleep, waitFor } from "../helpers/redis-server.js";

const COOLDOWN_MS = 1000;
const ENV = { CACHE_TIMEOUT_MS: "50", CACHE_BREAKER_FAILURES: "3", CACHE_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS) };

let rig: CacheAppRig;
let a: TestInstance;
let b: TestInstance;
let admin: SignedIn;

beforeAll(async () => {
  rig = await startCacheApp(ENV);
  a = rig.t;
  b = await a.sibling();
  admin = await a.signInAs("admin");
  const member = await a.db.role.findUniqueOrThrow({ where: { key: "member" } });
  for (let i = 0; i < 12; i++) {
    await a.db.user.create({ data: { email: `outage${i}@test.local`, name: `outage ${i}`, roles: { create: { roleId: member.id } } } });
  }
});

afterAll(async () => {
  await rig?.close();
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
  it("fails no request, degrades and recovers health, resumes hits, and keeps revoked sessions refused", async () => {
    const victims = { viaA: await a.signInAs({ roles: ["member"] }), viaC: await a.signInAs({ roles: ["member"] }) };
    // Both victims' fragments cached (by B) before the outage, and persisted with them.
    for (const v of Object.values(victims)) expect(await viewerOf(b, v.token)).not.toBeNull();
    for (const v of Object.values(victims)) expect(await rig.raw.exists(`${rig.prefix}${keys.session(v.sessionId)}`)).toBe(1);
    // A permission withdrawn during the outage, by the instance that goes away: cached before it.
    const reader = await a.signInAs({ roles: ["member"], permissions: ["users:read"] });
    const readerRole = (await a.db.userRole.findMany({ where: { userId: reader.userId }, select: { role: { select: { key: true } } } }))
      .map((g) => g.role.key)
      .find((k) => k.startsWith("test-"));
    expect(await mayListUsers(b, reader.token)).toBe(true);
    expect(await rig.raw.exists(`${rig.prefix}${keys.perms(reader.userId)}`)).toBe(1);

    const failures: string[] = [];
    const sqlPerIteration: number[] = [];
    const timeline: Record<string, number> = {};
    let c: TestInstance | null = null;
    let phase: Promise<void> = Promise.resolve();
    const started = performance.now();
    const mark = (what: string): void => {
      timeline[what] = Math.round(performance.now() - started);
    };

    for (let i = 0; i < 500; i++) {
      if (i === 150) {
        await rig.raw.save();
        mark("kill");
        const killedAt = performance.now();
        // Not awaited: the loop keeps sending requests while the process dies.
        phase = rig.server.stop().then(async () => {
          await Promise.all([a, b].map((t) => waitFor(async () => (await health(t)) === "DEGRADED", 1000, "health DEGRADED")));
          timeline.degradedAfterKillMs = Math.round(performance.now() - killedAt);
        });
      }
      if (i === 250) {
        await phase;
        mark("revoke");
        // One revoke through A (which survives and replays its delete), one through an instance
        // that goes away before Redis returns (nobody is left to replay its delete).
        c = await createTestInstance({ databaseName: a.databaseName, cacheNamespace: rig.prefix.slice("auth:".length, -1), env: { REDIS_URL: rig.server.url, ...ENV } });
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
        mark("restart");
        const restartedAt = performance.now();
        await rig.server.start();
        const both = await Promise.all([a, b].map((t) => waitFor(async () => (await health(t)) === "OK", COOLDOWN_MS + 2000, "health OK")));
        timeline.okAfterRestartMs = Math.round(performance.now() - restartedAt);
        timeline.okAfterRestartPerInstanceMs = Math.round(Math.max(...both));
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
    console.log(`[cache-app outage] ${JSON.stringify({ timeline, sqlPerIteration: sql, failures: failures.length })}`);

    expect(failures).toEqual([]);
    expect(timeline.degradedAfterKillMs).toBeLessThan(1000);
    expect(timeline.okAfterRestartMs).toBeLessThan(COOLDOWN_MS + 2000);
    // Warm: the users page query is the only statement. Down: sessions and permissions come from
    // Postgres. Back: hits again (the first requests re-warm). Not exactly 1: on this shared
    // machine Redis itself is sometimes descheduled past the 50 ms time box, which is a miss.
    expect(sql.before).toBeLessThan(1.1);
    expect(sql.during).toBeGreaterThanOrEqual(4);
    expect(sql.after).toBeLessThan(1.1);

    // Still refused after the outage, with Redis holding whatever it held before it.
    await sleep(200);
    for (const v of Object.values(victims)) for (const t of [a, b]) expect(await viewerOf(t, v.token)).toBeNull();
    for (const t of [a, b]) expect(await mayListUsers(t, reader.token)).toBe(false);
    expect(await health(a)).toBe("OK");
    expect(await health(b)).toBe("OK");
  });
});
