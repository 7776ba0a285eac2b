// "No instance accepts a revoked token after the revoke returns" must hold when the revoking
// instance cannot reach Redis, or reaches it too slowly for its time box. Three instances share one
// database and one redis-server of their own; C reaches Redis through a proxy the test cuts or slows.
// C's revoke is committed with its tombstone in the invalidation outbox; A or B (which reach Redis)
// write it, and C's revoke returns once one has (within CACHE_INVALIDATION_WAIT_MS).
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { TOMBSTONE } from "../../src/cache/invalidation.js";
import { privateRedisTest } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";

const OUTBOX = { CACHE_OUTBOX_INTERVAL_MS: "50", CACHE_INVALIDATION_WAIT_MS: "3000" };

const test = privateRedisTest(OUTBOX)
  .extend("b", { scope: "file" }, async ({ t }) => t.sibling())
  .extend("proxy", { scope: "file" }, async ({ redis }, { onCleanup }) => {
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: redis.port });
    onCleanup(() => proxy.close());
    return proxy;
  })
  .extend("c", { scope: "file" }, async ({ t, proxy }) =>
    // A short breaker cool-down so C notices Redis is back within the test.
    t.sibling({ REDIS_URL: `redis://127.0.0.1:${proxy.port}`, CACHE_TIMEOUT_MS: "50", CACHE_BREAKER_COOLDOWN_MS: "200" }),
  );

const VIEWER = `{ viewer { session { id } } }`;
const REVOKE = `mutation($id: ID!) { revokeSession(id: $id) { __typename ... on Session { revokedAt } } }`;

async function accepted(t: TestInstance, token: string): Promise<boolean> {
  const res = await t.gql<{ viewer: { session: { id: string } } | null }>(VIEWER, {}, { token });
  expect(res.errors).toBeUndefined();
  return res.data?.viewer != null;
}

async function revokeOn(t: TestInstance, admin: SignedIn, victim: SignedIn): Promise<void> {
  const res = await t.gql<{ revokeSession: { __typename: string; revokedAt: string | null } }>(REVOKE, { id: victim.sessionGid }, { token: admin.token });
  expect(res.errors).toBeUndefined();
  expect(res.data?.revokeSession.revokedAt).toBeTruthy();
}

/** Every instance refuses the token on every check, `rounds` times over. */
async function refusedEverywhere(instances: TestInstance[], token: string, rounds = 20): Promise<number> {
  let accepts = 0;
  for (let i = 0; i < rounds; i++) for (const t of instances) if (await accepted(t, token)) accepts++;
  return accepts;
}

describe("revocation while the revoking instance is cut off from Redis", () => {
  test("C revokes while partitioned: A and B refuse the token from the moment C answers", async ({ t: a, b, c, proxy, raw, prefix }) => {
    const admin = await c.signInAs("admin");
    for (let i = 0; i < 5; i++) {
      const victim = await a.signInAs({});
      expect(await accepted(b, victim.token)).toBe(true); // cached in Redis by B
      await proxy.cut();
      await expect.poll(() => c.app.cache.status().status).toBe("DEGRADED");
      await revokeOn(c, admin, victim);
      expect(await raw.get(`${prefix}${keys.session(victim.sessionId)}`)).toBe(TOMBSTONE);
      expect(await refusedEverywhere([a, b, c], victim.token, 5)).toBe(0);
      await proxy.restore();
      await expect.poll(() => c.app.cache.status().status, { timeout: 10_000 }).toBe("OK");
      expect(await refusedEverywhere([a, b, c], victim.token, 5)).toBe(0);
    }
  });

  test("C disables one user and deletes another while partitioned: A and B refuse both tokens from the moment C answers", async ({ t: a, b, c, proxy }) => {
    const admin = await c.signInAs("admin");
    const disabled = await a.signInAs({});
    const deleted = await a.signInAs({});
    for (const victim of [disabled, deleted]) expect(await accepted(b, victim.token)).toBe(true); // cached in Redis by B
    await proxy.cut();
    await expect.poll(() => c.app.cache.status().status).toBe("DEGRADED");

    const status = await c.gql<{ setUserStatus: { __typename: string } }>(`mutation($id: ID!) { setUserStatus(id: $id, status: DISABLED) { __typename } }`, { id: disabled.userGid }, { token: admin.token });
    expect(status.data?.setUserStatus.__typename).toBe("SetUserStatusSuccess");
    expect(await refusedEverywhere([a, b, c], disabled.token, 5)).toBe(0);
    const gone = await c.gql<{ deleteUser: { __typename: string } }>(`mutation($id: ID!) { deleteUser(id: $id) { __typename } }`, { id: deleted.userGid }, { token: admin.token });
    expect(gone.data?.deleteUser.__typename).toBe("AccountDeleted");
    expect(await refusedEverywhere([a, b, c], deleted.token, 5)).toBe(0);

    await proxy.restore();
    await expect.poll(() => c.app.cache.status().status, { timeout: 10_000 }).toBe("OK");
    expect(await refusedEverywhere([a, b, c], disabled.token, 3) + (await refusedEverywhere([a, b, c], deleted.token, 3))).toBe(0);
  });

  test("C revokes while its Redis is slower than its time box: refused everywhere once the revoke returns", async ({ t: a, b, c, proxy, admin }) => {
    await expect.poll(() => c.app.cache.status().status, { timeout: 10_000 }).toBe("OK");
    for (let i = 0; i < 10; i++) {
      const victim = await a.signInAs({});
      expect(await accepted(b, victim.token)).toBe(true);
      proxy.delay(80);
      await revokeOn(c, admin, victim);
      proxy.delay(0);
      expect(await refusedEverywhere([a, b], victim.token, 5)).toBe(0);
    }
    await proxy.restore();
  });

  test("C revokes while partitioned and dies at once: the outbox still reaches Redis through B", async ({ t: a, b, proxy, admin }) => {
    const d = await a.sibling({ REDIS_URL: `redis://127.0.0.1:${proxy.port}`, CACHE_INVALIDATION_WAIT_MS: "0", CACHE_OUTBOX_INTERVAL_MS: "60000" });
    const victim = await a.signInAs({});
    expect(await accepted(b, victim.token)).toBe(true);
    await proxy.cut();
    await expect.poll(() => d.app.cache.status().status).toBe("DEGRADED");
    await revokeOn(d, admin, victim);
    await d.close();
    // Within CACHE_OUTBOX_INTERVAL_MS of A's and B's drains; then refused for good.
    await expect.poll(() => accepted(b, victim.token), { timeout: 2000 }).toBe(false);
    expect(await refusedEverywhere([a, b], victim.token, 10)).toBe(0);
    expect(await a.db.cacheInvalidation.count()).toBe(0);
    await proxy.restore();
  });

  test("an outage that lost no revocation flushes no cached session: C serves them from Redis again, without SQL", async ({ t: a, c, proxy, raw, prefix }) => {
    const victim = await a.signInAs({});
    await expect.poll(() => c.app.cache.status().status, { timeout: 10_000 }).toBe("OK");
    /** C answers the token from Redis alone (cached, and C trusts its cache). */
    const fromCache = async (): Promise<boolean> => {
      c.statements.reset();
      const ok = await accepted(c, victim.token);
      return ok && c.statements.count === 0;
    };
    await expect.poll(fromCache, { timeout: 5000 }).toBe(true);
    const epochBefore = await raw.get(`${prefix}${keys.sessionsEpoch()}`);
    const entryBefore = await raw.get(`${prefix}${keys.session(victim.sessionId)}`);
    await proxy.cut();
    await expect.poll(() => c.app.cache.status().status).toBe("DEGRADED");
    expect(await accepted(c, victim.token)).toBe(true); // from Postgres meanwhile
    await proxy.restore();
    await expect.poll(() => c.app.cache.status().status, { timeout: 10_000 }).toBe("OK");
    // Once a drain has found the outbox empty, the entry cached before the outage is a hit.
    await expect.poll(fromCache, { timeout: 5000 }).toBe(true);
    expect(await raw.get(`${prefix}${keys.sessionsEpoch()}`)).toBe(epochBefore);
    expect(await raw.get(`${prefix}${keys.session(victim.sessionId)}`)).toBe(entryBefore);
  });
});
