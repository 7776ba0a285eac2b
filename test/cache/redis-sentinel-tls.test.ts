// The gateway through Sentinels that speak only TLS, to servers that speak only TLS, as the `app` ACL
// user (only `auth:` keys on the servers): REDIS_TLS and REDIS_TLS_CA_FILE reach both the Sentinel
// links and the master connection, the credentials both kinds of node, and after the master is killed
// the cache comes back on the master the Sentinels promote, over TLS again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { HEALTH, VIEWER } from "../helpers/cache-app.js";
import { expectEveryCachePathWorks } from "../helpers/cache-paths.js";
import { expectCacheServesAgain } from "../helpers/failover-traffic.js";
import { createTestInstance } from "../helpers/instance.js";
import type { GraphQLResponse, TestInstance } from "../helpers/instance.js";
import { SENTINEL_MASTER, startRedisSentinels } from "../helpers/redis-sentinel.js";
import type { RedisSentinelSet } from "../helpers/redis-sentinel.js";
import { ACL_PASSWORD, ACL_USER } from "../helpers/redis-tls.js";
import { Q } from "../helpers/session-ops.js";

// Bounds for a loaded machine (the whole suite and other checkouts' suites share 2 cores), not a spec.
const RECOVERY = { timeout: 60_000, interval: 50 };

type Viewer = GraphQLResponse<{ viewer: { session: { id: string } } | null }>;
type Health = GraphQLResponse<{ health: { status: string; redis: { status: string; message: string | null } } }>;

let sentinels: RedisSentinelSet;
let t: TestInstance;
beforeAll(async () => {
  sentinels = await startRedisSentinels({ secure: true });
  t = await createTestInstance({
    env: {
      REDIS_SENTINELS: sentinels.sentinels,
      REDIS_SENTINEL_NAME: SENTINEL_MASTER,
      REDIS_TLS: "true",
      REDIS_TLS_CA_FILE: sentinels.caFile ?? "",
      REDIS_USERNAME: ACL_USER,
      REDIS_PASSWORD: ACL_PASSWORD,
      CACHE_TIMEOUT_MS: "250",
      CACHE_BREAKER_FAILURES: "3",
      CACHE_BREAKER_COOLDOWN_MS: "500",
    },
  });
}, 120_000);
afterAll(async () => {
  // The engines go even when closing the instance fails.
  try {
    await t?.close();
  } finally {
    await sentinels?.dispose();
  }
});

describe("Redis through Sentinel over TLS with an ACL user", () => {
  it("caches and revokes on the master the Sentinels name; after a failover, on the promoted one", async () => {
    await expectEveryCachePathWorks(t);
    const member = await t.signInAs({});
    const revoked = await t.signInAs({});
    await t.gql(VIEWER, {}, { token: member.token });
    t.statements.reset();
    expect(((await t.gql(VIEWER, {}, { token: member.token })) as Viewer).data?.viewer?.session.id).toBeDefined();
    expect(t.statements.count).toBe(0);
    expect(await t.app.cache.get(keys.session(member.sessionId))).not.toBeNull();

    const old = await sentinels.master();
    await old.stop("SIGKILL");
    await expect.poll(() => sentinels.masterPort(), RECOVERY).not.toBe(old.port);
    await expect.poll(async () => ((await t.gql(HEALTH)) as Health).data?.health.redis.status, RECOVERY).toBe("OK");
    const revoke = await t.gql<{ revokeSession: { __typename: string } }>(Q.revoke, { id: revoked.sessionGid }, { token: revoked.token });
    expect(revoke.data?.revokeSession.__typename).toBe("Session");
    await expectCacheServesAgain(t, member, revoked, RECOVERY);
  }, 240_000);
});
