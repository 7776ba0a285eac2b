// explainAccess (roles:read) says why a user has or lacks a permission — the roles granting it or the
// least-privileged one that would, the user's status, the cache state — and Viewer.can answers for
// the session asking, with the same rule requests are authorised by.
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { test } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";

const EXPLAIN = `query($u: ID!, $p: String!) {
  explainAccess(userId: $u, permission: $p) {
    permission allowed userStatus requiresMfa cacheState cacheAgreesWithDatabase
    grantingRoles { key } closestRole { key permissions { key } }
  }
}`;

type Explanation = {
  permission: string;
  allowed: boolean;
  userStatus: string;
  requiresMfa: boolean;
  cacheState: string;
  cacheAgreesWithDatabase: boolean;
  grantingRoles: { key: string }[];
  closestRole: { key: string; permissions: { key: string }[] } | null;
};

async function explain(t: TestInstance, token: string, userGid: string, permission: string): Promise<Explanation> {
  const res = await t.gql<{ explainAccess: Explanation }>(EXPLAIN, { u: userGid, p: permission }, { token });
  expect(res.errors).toBeUndefined();
  return res.data?.explainAccess as Explanation;
}

async function can(t: TestInstance, token: string, permission: string): Promise<boolean | undefined> {
  const res = await t.gql<{ viewer: { can: boolean } }>(`query($p: String!) { viewer { can(permission: $p) } }`, { p: permission }, { token });
  expect(res.errors).toBeUndefined();
  return res.data?.viewer.can;
}

describe("explainAccess", () => {
  test("denied: no granting role of the user, the least-privileged role that would grant it", async ({ t, admin }) => {
    const member = await t.signInAs({});
    const narrow = await t.db.role.create({ data: { key: "user-writer", name: "user writer", permissions: { create: { permission: { connect: { key: "users:write" } } } } } });
    const e = await explain(t, admin.token, member.userGid, "users:write");
    expect(e).toMatchObject({ permission: "users:write", allowed: false, userStatus: "ACTIVE", grantingRoles: [], requiresMfa: false, cacheAgreesWithDatabase: true });
    expect(e.closestRole).toEqual({ key: narrow.key, permissions: [{ key: "users:write" }] });
  });

  test("allowed through the roles that grant it; the cache state moves from MISS to HIT", async ({ t, admin }) => {
    const reader = await t.signInAs({ permissions: ["users:read"] });
    const first = await explain(t, admin.token, reader.userGid, "users:read");
    expect(first).toMatchObject({ allowed: true, closestRole: null, cacheAgreesWithDatabase: true });
    expect(first.grantingRoles.map((r) => r.key)).toEqual([expect.stringMatching(/^test-/)]);
    const again = await explain(t, admin.token, reader.userGid, "users:read");
    expect(again.cacheState).toBe("HIT");
    // A role change bumps the permission epoch: the next explanation is decided from PostgreSQL.
    const extra = await t.db.role.create({ data: { key: "extra-reader", name: "extra reader" } });
    const granted = await t.gql<{ grantRole: { __typename: string } }>(`mutation($u: ID!, $r: String!) { grantRole(userId: $u, roleKey: $r) { __typename } }`, { u: reader.userGid, r: extra.key }, { token: admin.token });
    expect(granted.errors).toBeUndefined();
    expect((await explain(t, admin.token, reader.userGid, "users:read")).cacheState).toBe("MISS");
  });

  test("a disabled user is denied whatever the roles say", async ({ t, admin }) => {
    const reader = await t.signInAs({ permissions: ["users:read"] });
    await t.gql(`mutation($id: ID!) { setUserStatus(id: $id, status: DISABLED) { __typename } }`, { id: reader.userGid }, { token: admin.token });
    const e = await explain(t, admin.token, reader.userGid, "users:read");
    expect(e).toMatchObject({ allowed: false, userStatus: "DISABLED" });
    expect(e.grantingRoles).toHaveLength(1);
  });

  test("a stale cached set is reported as such", async ({ t, admin }) => {
    const member = await t.signInAs({});
    const epoch = (await t.app.cache.get(keys.permsEpoch())) ?? "0";
    await t.app.cache.set(keys.perms(member.userId), JSON.stringify({ epoch, keys: ["audit:read"], mfaOnly: [] }), 60_000);
    const e = await explain(t, admin.token, member.userGid, "audit:read");
    expect(e).toMatchObject({ allowed: true, cacheState: "HIT", cacheAgreesWithDatabase: false, grantingRoles: [] });
  });

  test("a permission only MFA roles grant: held, but not by a session without a second factor", async ({ t, admin }) => {
    const member = await t.signInAs({});
    const role = await t.db.role.create({ data: { key: "mfa-auditor", name: "mfa auditor", requireMfa: true, permissions: { create: { permission: { connect: { key: "audit:read" } } } } } });
    await t.gql(`mutation($u: ID!, $r: String!) { grantRole(userId: $u, roleKey: $r) { __typename } }`, { u: member.userGid, r: role.key }, { token: admin.token });
    expect(await explain(t, admin.token, member.userGid, "audit:read")).toMatchObject({ allowed: true, requiresMfa: true, grantingRoles: [{ key: "mfa-auditor" }] });
    expect(await can(t, member.token, "audit:read")).toBe(false);
  });

  test("refusals: without roles:read FORBIDDEN, an unknown permission VALIDATION_FAILED, an unknown user NOT_FOUND", async ({ t, admin }) => {
    const member = await t.signInAs({});
    const forbidden = await t.gql(EXPLAIN, { u: member.userGid, p: "users:read" }, { token: member.token });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const unknownKey = await t.gql(EXPLAIN, { u: member.userGid, p: "users:fly" }, { token: admin.token });
    expect(unknownKey.errors?.[0]?.extensions?.code).toBe("VALIDATION_FAILED");
    await t.db.user.delete({ where: { id: member.userId } });
    const gone = await t.gql(EXPLAIN, { u: member.userGid, p: "users:read" }, { token: admin.token });
    expect(gone.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });
});

describe("Viewer.can", () => {
  test("answers for the session asking, and refuses an unknown key", async ({ t, admin }) => {
    const member = await t.signInAs({});
    expect(await can(t, member.token, "users:read")).toBe(false);
    expect(await can(t, admin.token, "users:read")).toBe(true);
    const reader = await t.signInAs({ permissions: ["audit:read"] });
    expect(await can(t, reader.token, "audit:read")).toBe(true);
    const bad = await t.gql(`{ viewer { can(permission: "nope") } }`, {}, { token: member.token });
    expect(bad.errors?.[0]?.extensions?.code).toBe("VALIDATION_FAILED");
  });
});
