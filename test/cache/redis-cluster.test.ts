// The gateway on a real Redis Cluster of its own (3 masters + 3 replicas, test/helpers/redis-cluster.ts):
// a batch costs one round trip per node whatever its keys' slots, no path meets CROSSSLOT, and a master
// killed mid-traffic (its replica takes over) fails no request and lets no revoked token back in.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { createRedisCache } from "../../src/cache/redis.js";
import { groupBySlot } from "../../src/cache/redis-commands.js";
import type { Cache } from "../../src/cache/types.js";
import { HEALTH, USERS_PAGE, VIEWER } from "../helpers/cache-app.js";
import { createTestInstance } from "../helpers/instance.js";
import type { GraphQLResponse, SignedIn, TestInstance } from "../helpers/instance.js";
import { expectCacheServesAgain, viewerTraffic } from "../helpers/failover-traffic.js";
import { startRedisCluster } from "../helpers/redis-cluster.js";
import type { RedisClusterServer } from "../helpers/redis-cluster.js";

// Generous for a loaded 2-core machine; the failover itself is bounded by cluster-node-timeout (1 s).
const ENV = { CACHE_TIMEOUT_MS: "250", CACHE_BREAKER_FAILURES: "3", CACHE_BREAKER_COOLDOWN_MS: "500" };
// Bounds for a loaded machine (the whole suite and other checkouts' suites share 2 cores), not a spec.
const RECOVERY = { timeout: 60_000, interval: 50 };

let cluster: RedisClusterServer;
let t: TestInstance;
beforeAll(async () => {
  cluster = await startRedisCluster({ nodeTimeoutMs: 1000 });
  t = await createTestInstance({ env: { REDIS_CLUSTER_NODES: cluster.seeds, ...ENV } });
});
afterAll(async () => {
  // The engines go even when closing the instance fails.
  try {
    await t?.close();
  } finally {
    await cluster?.dispose();
  }
});

type Viewer = GraphQLResponse<{ viewer: { session: { id: string } } | null }>;
type Health = GraphQLResponse<{ health: { status: string; redis: { status: string; message: string | null } } }>;

describe("batches on a Cluster", () => {
  it("50 fragments and the epoch: one MGET per slot, one pipeline per master, values in key order", async () => {
    const cache: Cache = await createRedisCache({ kind: "cluster", nodes: [{ host: "127.0.0.1", port: cluster.nodes[0]?.port ?? 0 }] }, {
      timeoutMs: 1000,
      breakerFailures: 5,
      breakerCooldownMs: 1000,
      prefix: "auth:batch:",
    });
    let [killedAt, promotedAt, recoveredAt] = [0, 0, 0];
    try {
      const client = cache.redis;
      if (!client) throw new Error("not a Redis cache");
      const batch = [keys.sessionsEpoch(), ...Array.from({ length: 50 }, (_, i) => keys.user(`u${i}`))];
      expect(await cache.setMany(batch.map((key, i) => ({ key, value: `v${i}`, ttlMs: 60_000 })))).toBe(true);
      const slots = groupBySlot(batch, "auth:batch:").length;
      expect(slots).toBeGreaterThan(3); // the batch really spans slots (and so nodes)

      const pipelines = vi.spyOn(client, "pipeline");
      const mget = vi.spyOn(client, "mget");
      const values = await cache.mget(batch);
      expect(values).toEqual(batch.map((_, i) => `v${i}`));
      expect(mget).toHaveBeenCalledTimes(slots);
      expect(pipelines.mock.calls.length).toBeLessThanOrEqual(3);
      expect(cache.status()).toMatchObject({ status: "OK", breaker: "closed" });

      pipelines.mockClear();
      expect(await cache.del(batch)).toBe(true);
      expect(pipelines.mock.calls.length).toBeLessThanOrEqual(3);
      expect(await cache.mget(batch)).toEqual(batch.map(() => null));
    } finally {
      await cache.close();
    }
  });

  it("a users page of 50 with permissions: no CROSSSLOT, warm page is all hits and no SQL", async () => {
    const admin = await t.signInAs("admin");
    for (let i = 0; i < 50; i++) await t.signInAs({});
    const page = async (): Promise<GraphQLResponse<{ users: { edges: unknown[] } }>> => t.gql(USERS_PAGE, { n: 50 }, { token: admin.token });
    const cold = await page();
    expect(cold.errors).toBeUndefined();
    expect(cold.data?.users.edges).toHaveLength(50);
    await page(); // the session fragment and permission sets written back by the first page are now warm
    t.statements.reset();
    const warm = await page();
    expect(warm).toEqual(cold);
    // Only the page query itself reaches Postgres: users and permissions come from the Cluster.
    expect(t.statements.log.filter((s) => /user_roles|role_permissions|"sessions"/.test(s))).toEqual([]);
    expect(t.app.cache.status()).toMatchObject({ status: "OK", breaker: "closed" });
  });
});

describe("master failover", () => {
  it("killing a master mid-traffic fails no request; a session revoked during the failover stays refused; the cache recovers", async () => {
    const members: SignedIn[] = [];
    for (let i = 0; i < 8; i++) members.push(await t.signInAs({}));
    for (const m of members) expect(((await t.gql(VIEWER, {}, { token: m.token })) as Viewer).data?.viewer?.session.id).toBeDefined();
    const revoked = members.pop() as SignedIn;

    const traffic = viewerTraffic(t, members, revoked, 3);
    let [killedAt, promotedAt, recoveredAt] = [0, 0, 0];
    try {
      await expect.poll(() => traffic.requests).toBeGreaterThan(50);

      const [victim] = await cluster.masters();
      if (!victim) throw new Error("no master");
      killedAt = Date.now();
      await victim.stop("SIGKILL");
      await traffic.revoke();

      // Its replica is promoted once the others mark it failed (cluster-node-timeout), then slots are served again.
      await expect.poll(async () => (await cluster.masters()).filter((n) => n !== victim).length, RECOVERY).toBe(3);
      await cluster.waitHealthy(RECOVERY.timeout);
      promotedAt = Date.now();
      await expect
        .poll(async () => ((await t.gql(HEALTH)) as Health).data?.health.redis.status, RECOVERY)
        .toBe("OK");
      recoveredAt = Date.now();
      const before = traffic.requests;
      await expect.poll(() => traffic.requests, RECOVERY).toBeGreaterThan(before + 50);
    } finally {
      // A failed expectation above must not leave the traffic loops running.
      await traffic.stop();
    }

    expect(traffic.failures).toEqual([]);
    await expectCacheServesAgain(t, members[0] as SignedIn, revoked, RECOVERY);
    console.info(`cluster failover: ${traffic.requests} requests, 0 failed; replica promoted after ${((promotedAt - killedAt) / 1000).toFixed(1)} s, cache OK after ${((recoveredAt - killedAt) / 1000).toFixed(1)} s`);
  }, 240_000); // traffic, a failover and recovery on a loaded 2-core machine
});
