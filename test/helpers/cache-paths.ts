// Every path a request takes through the cache, exercised on one instance: the ACL tests run it on a
// Redis whose `app` user may touch only `auth:` keys (one server, a Cluster, Sentinels), so a command
// or key outside the grant fails here and not in production.
import { expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { HEALTH, USERS_PAGE, VIEWER } from "./cache-app.js";
import type { GraphQLResponse, TestInstance } from "./instance.js";
import { Q } from "./session-ops.js";

type Health = GraphQLResponse<{ health: { status: string; redis: { status: string; message: string | null } } }>;
type Viewer = GraphQLResponse<{ viewer: { session: { id: string } } | null }>;

/** Health, cached sessions, a warm page of users and permissions, a revoke and the rate-limit script. */
export async function expectEveryCachePathWorks(t: TestInstance): Promise<void> {
  expect(((await t.gql(HEALTH)) as Health).data?.health.redis).toEqual({ status: "OK", message: null });
  const admin = await t.signInAs("admin");
  const member = await t.signInAs({});
  await t.gql(VIEWER, {}, { token: member.token });
  t.statements.reset();
  expect(((await t.gql(VIEWER, {}, { token: member.token })) as Viewer).data?.viewer?.session.id).toBeDefined();
  expect(t.statements.count).toBe(0);
  // Fragments and permission sets written back by the first page are read by the third, so only the
  // page query itself reaches Postgres (on a Cluster they span every master's slots).
  for (let i = 0; i < 10; i++) await t.signInAs({});
  const page = () => t.gql<{ users: { edges: unknown[] } }>(USERS_PAGE, { n: 12 }, { token: admin.token });
  const cold = await page();
  expect(cold.errors).toBeUndefined();
  expect(cold.data?.users.edges).toHaveLength(12);
  await page();
  t.statements.reset();
  expect(await page()).toEqual(cold);
  expect(t.statements.log.filter((sql) => /user_roles|role_permissions|"sessions"/.test(sql))).toEqual([]);
  expect(await t.app.cache.get(keys.session(member.sessionId))).not.toBeNull();
  const revoke = await t.gql<{ revokeSession: { __typename: string } }>(Q.revoke, { id: member.sessionGid }, { token: member.token });
  expect(revoke.data?.revokeSession.__typename).toBe("Session");
  expect(((await t.gql(VIEWER, {}, { token: member.token })) as Viewer).data?.viewer).toBeNull();
  // A failed sign-in goes through the Redis rate limiter (a script on auth: keys of one slot).
  const failed = await t.gql<{ signIn: { __typename: string } }>(Q.signIn, { input: { email: member.email, password: "wrong-password-123" } });
  expect(failed.data?.signIn.__typename).toBe("InvalidCredentialsError");
  expect(t.app.cache.status()).toMatchObject({ status: "OK", breaker: "closed" });
}
