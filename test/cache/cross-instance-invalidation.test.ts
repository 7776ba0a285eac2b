// Two gateway instances on one Redis. A mutation on A invalidates what B has cached — session
// (revoke), user (update, status) and permission set (epoch bump) — before it returns, so B's very
// next request sees the change. No sleeps between the mutation and the check.
//
// There is no in-process L1: both instances read Redis on every request, so invalidation is
// whatever Redis holds when the mutation returns.
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { TOMBSTONE } from "../../src/cache/invalidation.js";
import { createUserLoader } from "../../src/modules/users/user.js";
import { privateRedisTest } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";

/** `t` is instance A; `b` a second instance on the same database and Redis namespace. */
const test = privateRedisTest().extend("b", { scope: "file" }, async ({ t }) => t.sibling());

const VIEWER = `{ viewer { session { id } user { id name permissions } } }`;
const USERS = `{ users(first: 1) { edges { node { id } } } }`;

type ViewerData = { viewer: { session: { id: string }; user: { id: string; name: string; permissions: string[] } } | null };

async function viewerOn(t: TestInstance, token: string): Promise<ViewerData["viewer"]> {
  const res = await t.gql<ViewerData>(VIEWER, {}, { token });
  expect(res.errors).toBeUndefined();
  return res.data?.viewer ?? null;
}

/** B answers `token`'s viewer from the cache: no SQL at all. */
async function expectCachedOnB(b: TestInstance, token: string): Promise<void> {
  await viewerOn(b, token);
  b.statements.reset();
  expect(await viewerOn(b, token)).not.toBeNull();
  expect(b.statements.log).toEqual([]);
}

async function mutate<T>(a: TestInstance, admin: SignedIn, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await a.gql<T>(query, variables, { token: admin.token });
  expect(res.errors).toBeUndefined();
  return res.data as T;
}

describe("invalidation across instances", () => {
  test("session: revoked on A, refused by B on its next request", async ({ t: a, b, admin, raw, prefix }) => {
    const u = await a.signInAs({ roles: ["member"] });
    await expectCachedOnB(b, u.token);
    const res = await mutate<{ revokeSession: { __typename: string } }>(a, admin, `mutation($id: ID!) { revokeSession(id: $id) { __typename } }`, { id: u.sessionGid });
    expect(res.revokeSession.__typename).toBe("Session");
    expect(await viewerOn(b, u.token)).toBeNull();
    expect(await raw.get(`${prefix}${keys.session(u.sessionId)}`)).toBe(TOMBSTONE);
  });

  test("user status: disabled on A, every session of the user refused by B on its next request", async ({ t: a, b, admin }) => {
    const u = await a.signInAs({ roles: ["member"] });
    const second = await a.signInAs({ email: u.email, password: u.password });
    await expectCachedOnB(b, u.token);
    await expectCachedOnB(b, second.token);
    const res = await mutate<{ setUserStatus: { __typename: string } }>(a, admin,
      `mutation($id: ID!) { setUserStatus(id: $id, status: DISABLED) { __typename } }`,
      { id: u.userGid },
    );
    expect(res.setUserStatus.__typename).toBe("SetUserStatusSuccess");
    expect(await viewerOn(b, u.token)).toBeNull();
    expect(await viewerOn(b, second.token)).toBeNull();
  });

  test("user: updated on A, B's users loader and B's viewer see the new row on their next request", async ({ t: a, b, admin }) => {
    const u = await a.signInAs({ roles: ["member"] });
    await expectCachedOnB(b, u.token);
    // Warm B's user fragment through B's own loader, and check it is a hit.
    expect((await createUserLoader(b.app).load(u.userId))?.name).not.toBe("Renamed");
    b.statements.reset();
    await createUserLoader(b.app).load(u.userId);
    expect(b.statements.count).toBe(0);

    await mutate(a, admin, `mutation($id: ID!) { updateUser(id: $id, input: { name: "Renamed" }) { __typename } }`, { id: u.userGid });
    expect((await createUserLoader(b.app).load(u.userId))?.name).toBe("Renamed");
    expect((await viewerOn(b, u.token))?.user.name).toBe("Renamed");
  });

  test("permissions: a role revoked on A is gone on B's next request; granted again, back on the next", async ({ t: a, b, admin }) => {
    const u = await a.signInAs({ roles: ["member"], permissions: ["users:read"] });
    const grants = await a.db.userRole.findMany({ where: { userId: u.userId }, select: { role: { select: { key: true } } } });
    const roleKey = grants.map((g) => g.role.key).find((k) => k.startsWith("test-"));
    expect(roleKey).toBeDefined();

    // B has the permission set cached (the users:read scope check costs no SQL).
    expect((await b.gql(USERS, {}, { token: u.token })).errors).toBeUndefined();
    b.statements.reset();
    expect((await b.gql(USERS, {}, { token: u.token })).errors).toBeUndefined();
    expect(b.statements.log.filter((q) => /FROM user_roles ur/.test(q))).toEqual([]);

    await mutate(a, admin, `mutation($u: ID!, $r: String!) { revokeRole(userId: $u, roleKey: $r) { __typename } }`, { u: u.userGid, r: roleKey });
    const denied = await b.gql(USERS, {}, { token: u.token });
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await viewerOn(b, u.token))?.user.permissions).not.toContain("users:read");

    await mutate(a, admin, `mutation($u: ID!, $r: String!) { grantRole(userId: $u, roleKey: $r) { __typename } }`, { u: u.userGid, r: roleKey });
    expect((await b.gql(USERS, {}, { token: u.token })).errors).toBeUndefined();
    expect((await viewerOn(b, u.token))?.user.permissions).toContain("users:read");
  });
});
