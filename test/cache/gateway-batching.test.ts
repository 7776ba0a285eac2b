// Through the gateway: one MGET per loader batch, no SQL for cached fragments, one write-back
// pipeline on a cold cache. (Cached vs uncached latency: bench/cache-latency.ts.)
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { HEALTH, USERS_PAGE, VIEWER, monitorRedis, spyOnCache } from "../helpers/cache-app.js";
import { privateRedisTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";

const test = privateRedisTest();

// Only `id` and loader-backed fields: plugin-prisma reloads exposed columns (email, ...) of a User
// that did not come from its own planned query, which would blur what the cache saves.
const AUDIT_PAGE = `query($n: Int!) { auditEvents(first: $n) { edges { node { actor { id } subject { id } } } } }`;

test.beforeAll(async ({ t, admin }) => {
  // createUser also writes a USER_CREATED audit event per user, which the audit page below follows
  // through the users fragment loader (AuditEvent.subject).
  for (let i = 0; i < 55; i++) {
    const res = await t.gql(
      `mutation($input: CreateUserInput!) { createUser(input: $input) { __typename } }`,
      { input: { email: `batch${i}@test.local`, name: `batch ${i}` } },
      { token: admin.token },
    );
    expect(res.errors).toBeUndefined();
  }
});

/** Only the statements matching `re`, so a count names what it counts. */
function sql(t: TestInstance, re: RegExp): string[] {
  return t.statements.log.filter((s) => re.test(s));
}

const USERS_FIND_MANY = /FROM "public"\."users"/;
const EFFECTIVE_PERMS = /FROM user_roles ur/;

describe("MGET batching through the gateway", () => {
  test("warm: a page of 50 users costs the page query only, one MGET per loader batch, no writes", async ({ t, admin, prefix, redis }) => {
    await t.gql(USERS_PAGE, { n: 50 }, { token: admin.token }); // warm
    const spy = spyOnCache(t.app.cache);
    const monitor = await monitorRedis(redis.url);
    try {
      t.statements.reset();
      const res = await t.gql<{ users: { edges: { node: { id: string; email: string; permissions: string[] } }[] } }>(USERS_PAGE, { n: 50 }, { token: admin.token });
      expect(res.errors).toBeUndefined();
      const edges = res.data?.users.edges ?? [];
      expect(edges).toHaveLength(50);
      // Members hold no permission of their own; the admin (first by createdAt) holds them all.
      expect(edges[0]?.node.permissions).toContain("users:read");

      // The one statement is plugin-prisma's page query; the loaders add none.
      expect(t.statements.count).toBe(1);
      expect(sql(t, USERS_FIND_MANY)).toHaveLength(1);

      // The session (with the sessions epoch), then the loader batches: the viewer's own permissions
      // (the users:read scope check) and the other 49 users of the page (the admin's set is already
      // in the DataLoader). Each is one MGET holding its epoch key plus one key per id.
      const calls = spy.calls();
      expect(calls.mget).toEqual([2, 2, 50]);
      expect(calls.get).toBe(0);
      expect(calls.setMany).toEqual([]);
      expect(calls.compareAndSet).toBe(0);

      const seen = await monitor.drain();
      const names = seen.map((c) => c[0]);
      expect(names.filter((n) => n === "MGET")).toHaveLength(3);
      expect(names.filter((n) => n === "GET")).toHaveLength(0);
      expect(names.filter((n) => n === "SET" || n === "EVAL" || n === "EVALSHA")).toHaveLength(0);
      const bigMget = seen.find((c) => c[0] === "MGET" && c.length === 51);
      expect(bigMget).toBeDefined();
      expect(bigMget).toContain(`${prefix}${keys.permsEpoch()}`);
    } finally {
      spy.restore();
      monitor.stop();
    }
  });

  test("cold: one MGET, one statement for the misses, one write-back pipeline per loader batch", async ({ t, admin, raw, prefix, redis }) => {
    await t.gql(VIEWER, {}, { token: admin.token }); // keep the session cached: measure the page alone
    await raw.del(...(await raw.keys(`${prefix}perms:*`)));
    const spy = spyOnCache(t.app.cache);
    const monitor = await monitorRedis(redis.url);
    try {
      t.statements.reset();
      const res = await t.gql<{ users: { edges: unknown[] } }>(USERS_PAGE, { n: 50 }, { token: admin.token });
      expect(res.errors).toBeUndefined();
      expect(res.data?.users.edges).toHaveLength(50);

      // Page query + one effective-permissions statement per loader batch, nothing else.
      expect(sql(t, USERS_FIND_MANY)).toHaveLength(1);
      expect(sql(t, EFFECTIVE_PERMS)).toHaveLength(2);
      expect(t.statements.count).toBe(3);
      const calls = spy.calls();
      expect(calls.mget).toEqual([2, 2, 50]);
      expect(calls.setMany).toEqual([1, 49]);

      const seen = await monitor.drain();
      const sets = seen.filter((c) => c[0] === "SET");
      expect(sets).toHaveLength(50);
      expect(sets.every((c) => c.includes("PX"))).toBe(true);
      expect(seen.filter((c) => c[0] === "MGET")).toHaveLength(3);
    } finally {
      spy.restore();
      monitor.stop();
    }
    // Warm again: back to the page query alone.
    t.statements.reset();
    await t.gql(USERS_PAGE, { n: 50 }, { token: admin.token });
    expect(t.statements.log).toEqual([expect.stringMatching(USERS_FIND_MANY)]);
  });

  test("users fragment loader: cold = one findMany + one pipeline per batch, warm = one MGET per batch and no SQL", async ({ t, admin, raw, prefix }) => {
    await t.gql(AUDIT_PAGE, { n: 50 }, { token: admin.token }); // perms and session warm
    await raw.del(...(await raw.keys(`${prefix}user:*`)));
    const spy = spyOnCache(t.app.cache);
    try {
      t.statements.reset();
      const cold = await t.gql<{ auditEvents: { edges: { node: { actor: { id: string } | null; subject: { id: string } | null } }[] } }>(AUDIT_PAGE, { n: 50 }, { token: admin.token });
      expect(cold.errors).toBeUndefined();
      const edges = cold.data?.auditEvents.edges ?? [];
      expect(new Set(edges.map((e) => e.node.subject?.id)).size).toBe(50);
      expect(edges.every((e) => e.node.actor?.id === admin.userGid)).toBe(true);
      // Loader batches: the viewer's permissions; the actor (the viewer: no permission check to
      // await, so it batches alone); the 50 subjects (loaded after an awaited permission check).
      const coldCalls = spy.calls();
      expect(coldCalls.mget).toEqual([2, 2, 1, 50]);
      // The two batches load concurrently: their write-backs may land in either order.
      expect([...coldCalls.setMany].sort((a, b) => a - b)).toEqual([1, 50]);
      const userQueries = sql(t, USERS_FIND_MANY);
      expect(userQueries).toHaveLength(2);
      expect(userQueries.every((q) => / IN \(/.test(q))).toBe(true);
      expect(t.statements.count).toBe(3); // + the audit page itself

      spy.reset();
      t.statements.reset();
      const warm = await t.gql(AUDIT_PAGE, { n: 50 }, { token: admin.token });
      expect(warm.data).toEqual(cold.data);
      expect(sql(t, USERS_FIND_MANY)).toHaveLength(0);
      expect(t.statements.count).toBe(1);
      expect(spy.calls().mget).toEqual([2, 2, 1, 50]);
      expect(spy.calls().setMany).toEqual([]);
    } finally {
      spy.restore();
    }
  });

  test("viewer: cached costs no SQL and no write; a miss costs one lookup (1 statement) and one compare-and-set", async ({ t, admin, raw, prefix }) => {
    await t.gql(VIEWER, {}, { token: admin.token });
    const spy = spyOnCache(t.app.cache);
    try {
      t.statements.reset();
      const hit = await t.gql<{ viewer: { user: { id: string } } }>(VIEWER, {}, { token: admin.token });
      expect(hit.data?.viewer.user.id).toBe(admin.userGid);
      expect(t.statements.count).toBe(0);
      expect(spy.calls()).toMatchObject({ get: 0, mget: [2], compareAndSet: 0, setMany: [] });

      await raw.del(`${prefix}${keys.session(admin.sessionId)}`);
      spy.reset();
      t.statements.reset();
      const miss = await t.gql(VIEWER, {}, { token: admin.token });
      expect(miss.data).toEqual(hit.data);
      // findUnique with the user relation: with relationJoins one statement carries both rows.
      expect(t.statements.count).toBe(1);
      expect(spy.calls()).toMatchObject({ mget: [2], compareAndSet: 1 });
      expect(await raw.exists(`${prefix}${keys.session(admin.sessionId)}`)).toBe(1);
    } finally {
      spy.restore();
    }
  });
});

describe("SQL per request, cached and not", () => {
  test("a hit costs no SQL for the viewer and only the page query for a users page; a miss costs more", async ({ t, admin, raw }) => {
    const count = async (query: string, vars: Record<string, unknown>, prepare: () => Promise<unknown>): Promise<number> => {
      await prepare();
      t.statements.reset();
      const res = await t.gql(query, vars, { token: admin.token });
      expect(res.errors).toBeUndefined();
      return t.statements.count;
    };
    const warmUp = (): Promise<unknown> => t.gql(USERS_PAGE, { n: 50 }, { token: admin.token });
    // The private server holds only this file's keys; the shared Redis is never touched.
    const flush = (): Promise<unknown> => raw.flushdb();
    expect({ hit: await count(VIEWER, {}, warmUp), miss: await count(VIEWER, {}, flush) }).toEqual({ hit: 0, miss: 1 });
    const usersPage = { hit: await count(USERS_PAGE, { n: 50 }, warmUp), miss: await count(USERS_PAGE, { n: 50 }, flush) };
    expect(usersPage.hit).toBe(1);
    expect(usersPage.miss).toBeGreaterThan(usersPage.hit);
    const health = await t.gql<{ health: { status: string } }>(HEALTH);
    expect(health.data?.health.status).toBe("OK");
  });
});
