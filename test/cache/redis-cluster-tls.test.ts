// The gateway on a Redis Cluster that speaks only TLS (clients, bus and replication) and requires the
// `app` ACL user, who may touch only `auth:` keys: the seeds, REDIS_TLS, REDIS_TLS_CA_FILE and the
// credentials reach every node the client discovers, every cache path works under the ACL, and a
// wrong password degrades to Postgres without the password in any message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { HEALTH, USERS_PAGE, VIEWER } from "../helpers/cache-app.js";
import { createTestInstance } from "../helpers/instance.js";
import type { Env, GraphQLResponse, TestInstance } from "../helpers/instance.js";
import { startRedisCluster } from "../helpers/redis-cluster.js";
import type { RedisClusterServer } from "../helpers/redis-cluster.js";
import { ACL_PASSWORD, ACL_USER } from "../helpers/redis-tls.js";
import { Q } from "../helpers/session-ops.js";

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
    expect(((await t.gql(HEALTH)) as Health).data?.health.redis).toEqual({ status: "OK", message: null });
    const admin = await t.signInAs("admin");
    const member = await t.signInAs({});
    await t.gql(VIEWER, {}, { token: member.token });
    t.statements.reset();
    expect(((await t.gql(VIEWER, {}, { token: member.token })) as Viewer).data?.viewer?.session.id).toBeDefined();
    expect(t.statements.count).toBe(0);
    // A page's fragments span every master's slots: written back, then read in one MGET per slot.
    for (let i = 0; i < 20; i++) await t.signInAs({});
    const page = () => t.gql<{ users: { edges: unknown[] } }>(USERS_PAGE, { n: 20 }, { token: admin.token });
    const cold = await page();
    expect(cold.errors).toBeUndefined();
    expect(cold.data?.users.edges).toHaveLength(20);
    await page();
    t.statements.reset();
    expect(await page()).toEqual(cold);
    // Only the page query itself reaches Postgres: users and permissions come from the Cluster.
    expect(t.statements.log.filter((sql) => /user_roles|role_permissions|"sessions"/.test(sql))).toEqual([]);
    expect(await t.app.cache.get(keys.session(member.sessionId))).not.toBeNull();
    const revoke = await t.gql<{ revokeSession: { __typename: string } }>(Q.revoke, { id: member.sessionGid }, { token: member.token });
    expect(revoke.data?.revokeSession.__typename).toBe("Session");
    expect(((await t.gql(VIEWER, {}, { token: member.token })) as Viewer).data?.viewer).toBeNull();
    // A failed sign-in goes through the Redis rate limiter (a script on auth: keys of one slot).
    const failed = await t.gql<{ signIn: { __typename: string } }>(Q.signIn, { input: { email: admin.email, password: "wrong-password-123" } });
    expect(failed.data?.signIn.__typename).toBe("InvalidCredentialsError");
    expect(t.app.cache.status()).toMatchObject({ status: "OK", breaker: "closed" });
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
