// The gateway on Redis through Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME), on a private
// master + replica + three Sentinels: the master killed mid-traffic is survived like an outage (no
// failed request, a session revoked meanwhile stays refused) and the cache is back on the promoted
// replica without a restart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH, VIEWER } from "../helpers/cache-app.js";
import { createTestInstance } from "../helpers/instance.js";
import type { GraphQLResponse, SignedIn, TestInstance } from "../helpers/instance.js";
import { expectCacheServesAgain, viewerTraffic } from "../helpers/failover-traffic.js";
import { SENTINEL_MASTER, startRedisSentinels } from "../helpers/redis-sentinel.js";
import type { RedisSentinelSet } from "../helpers/redis-sentinel.js";

const ENV = { CACHE_TIMEOUT_MS: "250", CACHE_BREAKER_FAILURES: "3", CACHE_BREAKER_COOLDOWN_MS: "500" };
// Bounds for a loaded machine (the whole suite and other checkouts' suites share 2 cores), not a spec.
const RECOVERY = { timeout: 60_000, interval: 50 };

let sentinels: RedisSentinelSet;
let t: TestInstance;
beforeAll(async () => {
  sentinels = await startRedisSentinels();
  t = await createTestInstance({ env: { REDIS_SENTINELS: sentinels.sentinels, REDIS_SENTINEL_NAME: SENTINEL_MASTER, ...ENV } });
});
afterAll(async () => {
  // The engines go even when closing the instance fails.
  try {
    await t?.close();
  } finally {
    await sentinels?.dispose();
  }
});

type Viewer = GraphQLResponse<{ viewer: { session: { id: string } } | null }>;
type Health = GraphQLResponse<{ health: { status: string; redis: { status: string; message: string | null } } }>;

describe("Redis through Sentinel", () => {
  it("serves the cache from the master the Sentinels name", async () => {
    const m = await t.signInAs({});
    await t.gql(VIEWER, {}, { token: m.token });
    t.statements.reset();
    expect(((await t.gql(VIEWER, {}, { token: m.token })) as Viewer).data?.viewer?.session.id).toBeDefined();
    expect(t.statements.count).toBe(0);
    expect(((await t.gql(HEALTH)) as Health).data?.health.redis.status).toBe("OK");
  });

  it("master killed mid-traffic: no failed request, a revoked session stays refused, the cache comes back on the new master", async () => {
    const members: SignedIn[] = [];
    for (let i = 0; i < 6; i++) members.push(await t.signInAs({}));
    const revoked = members.pop() as SignedIn;
    const traffic = viewerTraffic(t, members, revoked, 2);
    let [killedAt, promotedAt, recoveredAt] = [0, 0, 0];
    try {
      await expect.poll(() => traffic.requests).toBeGreaterThan(30);

      const old = await sentinels.master();
      killedAt = Date.now();
      await old.stop("SIGKILL");
      await traffic.revoke();

      await expect.poll(() => sentinels.masterPort(), RECOVERY).not.toBe(old.port);
      promotedAt = Date.now();
      await expect.poll(async () => ((await t.gql(HEALTH)) as Health).data?.health.redis.status, RECOVERY).toBe("OK");
      recoveredAt = Date.now();
      const before = traffic.requests;
      await expect.poll(() => traffic.requests, RECOVERY).toBeGreaterThan(before + 30);
    } finally {
      // A failed expectation above must not leave the traffic loops running.
      await traffic.stop();
    }

    expect(traffic.failures).toEqual([]);
    await expectCacheServesAgain(t, members[0] as SignedIn, revoked, RECOVERY);
    console.info(`sentinel failover: ${traffic.requests} requests, 0 failed; new master named after ${((promotedAt - killedAt) / 1000).toFixed(1)} s, cache OK after ${((recoveredAt - killedAt) / 1000).toFixed(1)} s`);
  }, 240_000); // traffic, a failover and recovery on a loaded 2-core machine
});
