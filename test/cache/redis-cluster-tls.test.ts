// The gateway on a Redis Cluster that speaks only TLS (clients, bus and replication) and requires the
// `app` ACL user, who may touch only `auth:` keys: the seeds, REDIS_TLS, REDIS_TLS_CA_FILE and the
// credentials reach every node the client discovers, every cache path works under the ACL, and a
// wrong password degrades to Postgres without the password in any message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH, VIEWER } from "../helpers/cache-app.js";
import { expectEveryCachePathWorks } from "../helpers/cache-paths.js";
import { createTestInstance } from "../helpers/instance.js";
import type { Env, GraphQLResponse, TestInstance } from "../helpers/instance.js";
import { startRedisCluster } from "../helpers/redis-cluster.js";
import type { RedisClusterServer } from "../helpers/redis-cluster.js";
import { ACL_PASSWORD, ACL_USER } from "../helpers/redis-tls.js";

type Health = GraphQLResponse<{ health: { status: string; redis: { status: string; message: string | null } } }>;
type Viewer = GraphQLResponse<{ viewer: { session: { id: string } } | null }>;

let cluster: RedisClusterServer;
const instances: TestInstance[] = [];
beforeAll(async () => {
  cluster = await startRedisCluster({ secure: true });
}, 120_000);
afterAll(async () => {
  // The engines go even when closing an instance fails.
  await Promise.allSettled(instances.map((i) => i.close()));
  await cluster?.dispose();
});

async function instance(env: Env): Promise<TestInstance> {
  const t = await createTestInstance({ env: { REDIS_CLUSTER_NODES: cluster.seeds, REDIS_TLS: "true", REDIS_TLS_CA_FILE: cluster.caFile ?? "", CACHE_TIMEOUT_MS: "250", ...env } });
  instances.push(t);
  return t;
}

describe("Redis Cluster over TLS with an ACL user", () => {
  it("caches sessions, users and permissions, revokes and rate-limits, all under the auth: ACL", async () => {
    const t = await instance({ REDIS_USERNAME: ACL_USER, REDIS_PASSWORD: ACL_PASSWORD });
    await expectEveryCachePathWorks(t);
  }, 60_000);

  it("a wrong password: the cache is DEGRADED, requests are still answered, no password in the message", async () => {
    const t = await instance({ REDIS_USERNAME: ACL_USER, REDIS_PASSWORD: "not-the-password" });
    const member = await t.signInAs({});
    expect(((await t.gql(VIEWER, {}, { token: member.token })) as Viewer).data?.viewer?.session.id).toBeDefined();
    await expect.poll(async () => ((await t.gql(HEALTH)) as Health).data?.health.redis.status, { timeout: 20_000 }).toBe("DEGRADED");
    const health = JSON.stringify(((await t.gql(HEALTH)) as Health).data?.health);
    expect(health).not.toContain("not-the-password");
    expect(health).not.toContain(ACL_PASSWORD);
  }, 60_000);
});
