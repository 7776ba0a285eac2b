// Effective permissions and user fragments in Redis: cached reads cost no SQL, and every change is
// visible on every instance as soon as the mutation returns (including when the epoch INCR fails).
import { randomUUID } from "node:crypto";
import { describe, expect, vi } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { TOMBSTONE } from "../../src/cache/invalidation.js";
import { loadEffectivePermissionsCached } from "../../src/modules/rbac/permission-cache.js";
import { PERMISSION_KEYS } from "../../src/modules/rbac/catalogue.js";
import { encodeId } from "../../src/graphql/global-id.js";
import { test as base } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";

/** Requests as the admin (unless a token is given) on either instance, and a role-making shortcut. */
function opsFor(t: TestInstance, admin: SignedIn) {
  const ok = async <T>(on: TestInstance, doc: string, variables: Record<string, unknown> = {}, token = admin.token): Promise<T> => {
    const res = await on.gql<T>(doc, variables, { token });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data as T;
  };
  return {
    ok,
    async mutate(on: TestInstance, field: string, args: string): Promise<void> {
      const data = await ok<Record<string, { __typename: string; code?: string }>>(on, `mutation { ${field}(${args}) { __typename ... on Error { code message } } }`);
      expect(data[field]?.code, JSON.stringify(data)).toBeUndefined();
    },
    async permissionsOf(on: TestInstance, userId: string): Promise<string[]> {
      const data = await ok<{ user: { permissions: string[] } }>(on, "query($id: ID!) { user(id: $id) { permissions } }", { id: encodeId("User", userId) });
      return data.user.permissions;
    },
    async roleWith(key: string, permissionKeys: readonly string[]): Promise<{ id: string; gid: string }> {
      const role = await t.db.role.create({
        data: { key, name: key, permissions: { create: permissionKeys.map((k) => ({ permission: { connect: { key: k } } })) } },
      });
      return { id: role.id, gid: encodeId("Role", role.id) };
    },
  };
}

/** `sibling`: a second instance on the same database and Redis namespace. */
const test = base
  .extend("sibling", { scope: "file" }, async ({ t }) => t.sibling())
  .extend("ops", async ({ t, admin }) => opsFor(t, admin));

describe("cached reads", () => {
  test("reads a user's permissions twice: the second read costs no SQL", async ({ t, ops }) => {
    const member = await t.signInAs({ permissions: ["users:read", "sessions:read"] });
    await t.app.cache.incr(keys.permsEpoch()); // nothing cached for anyone
    const doc = "{ viewer { user { id permissions } } }";
    t.statements.reset();
    const first = await ops.ok<{ viewer: { user: { permissions: string[] } } }>(t, doc, {}, member.token);
    expect(t.statements.count).toBeGreaterThan(0);
    t.statements.reset();
    const second = await ops.ok<{ viewer: { user: { permissions: string[] } } }>(t, doc, {}, member.token);
    expect(t.statements.count, t.statements.log.join("\n")).toBe(0);
    expect(second).toEqual(first);
    expect(second.viewer.user.permissions).toEqual(["sessions:read", "users:read"]);
  });

  test("the loader batch itself: one statement for many users, none the second time", async ({ t }) => {
    const users = await t.db.user.findMany({ select: { id: true }, take: 10 });
    const ids = users.map((u) => u.id);
    await t.app.cache.incr(keys.permsEpoch());
    t.statements.reset();
    const cold = await loadEffectivePermissionsCached(t.app, ids);
    expect(t.statements.count).toBe(1);
    t.statements.reset();
    const warm = await loadEffectivePermissionsCached(t.app, ids);
    expect(t.statements.count).toBe(0);
    expect(warm).toEqual(cold);
  });
});

describe("invalidation across instances", () => {
  test("setRolePermissions on a role held by 100 users: the sibling shows the new set for every one of them", async ({ t, sibling, ops }) => {
    const role = await ops.roleWith("bulk-100", ["users:read"]);
    const ids = Array.from({ length: 100 }, () => randomUUID());
    await t.db.user.createMany({ data: ids.map((id, i) => ({ id, email: `bulk${i}@test.local`, name: `Bulk ${i}` })) });
    await t.db.userRole.createMany({ data: ids.map((userId) => ({ userId, roleId: role.id })) });

    const page = `{ users(first: 100, filter: { roleKey: "bulk-100" }) { edges { node { id permissions } } } }`;
    type Page = { users: { edges: { node: { permissions: string[] } }[] } };
    const before = await ops.ok<Page>(sibling, page);
    expect(before.users.edges).toHaveLength(100);
    expect(new Set(before.users.edges.map((e) => e.node.permissions.join()))).toEqual(new Set(["users:read"]));
    // Cached on the sibling now: reading again loads no permission sets.
    sibling.statements.reset();
    await ops.ok<Page>(sibling, page);
    expect(sibling.statements.log.some((sql) => sql.includes("DISTINCT ur.user_id"))).toBe(false);

    await ops.mutate(t, "setRolePermissions", `roleId: "${role.gid}", permissionKeys: ["sessions:read", "audit:read"]`);

    expect(await ops.permissionsOf(sibling, ids[57]!)).toEqual(["audit:read", "sessions:read"]);
    const after = await ops.ok<Page>(sibling, page);
    expect(new Set(after.users.edges.map((e) => e.node.permissions.join()))).toEqual(new Set(["audit:read,sessions:read"]));
  });

  test("grantRole, revokeRole and deleteRole are visible on the sibling as soon as they return", async ({ t, sibling, ops }) => {
    const user = await t.signInAs({ roles: ["member"] });
    const role = await ops.roleWith("visible", ["audit:read"]);
    expect(await ops.permissionsOf(sibling, user.userId)).toEqual([]);
    await ops.mutate(t, "grantRole", `userId: "${user.userGid}", roleKey: "visible"`);
    expect(await ops.permissionsOf(sibling, user.userId)).toEqual(["audit:read"]);
    await ops.mutate(t, "revokeRole", `userId: "${user.userGid}", roleKey: "visible"`);
    expect(await ops.permissionsOf(sibling, user.userId)).toEqual([]);
    await ops.mutate(t, "grantRole", `userId: "${user.userGid}", roleKey: "visible"`);
    expect(await ops.permissionsOf(sibling, user.userId)).toEqual(["audit:read"]);
    await ops.mutate(t, "deleteRole", `id: "${role.gid}", force: true`);
    expect(await ops.permissionsOf(sibling, user.userId)).toEqual([]);
  });

  test("a concurrent grant/read loop never reads a stale set after the grant (or revoke) returned", async ({ t, sibling, ops }) => {
    const user = await t.signInAs({ roles: [] });
    // One role per catalogue permission: granting them in order makes the expected set grow monotonically.
    const roles = await Promise.all(PERMISSION_KEYS.map((k, i) => ops.roleWith(`loop-${i}`, [k])));
    const userGid = encodeId("User", user.userId);
    let completed = -1; // index of the last mutation that returned
    let phase: "grant" | "revoke" = "grant";
    let done = false;
    const violations: string[] = [];
    let reads = 0;

    const reader = async (on: TestInstance): Promise<void> => {
      while (!done) {
        const seenPhase = phase;
        const seen = completed;
        const perms = new Set(await ops.permissionsOf(on, user.userId));
        reads++;
        // A read that started in the grant phase and ended after the first revoke began may rightly miss a key.
        if (phase !== seenPhase) continue;
        for (let i = 0; i <= seen; i++) {
          const key = PERMISSION_KEYS[i]!;
          if (seenPhase === "grant" && !perms.has(key)) violations.push(`missing ${key} after grant ${i} returned`);
          if (seenPhase === "revoke" && perms.has(key)) violations.push(`still has ${key} after revoke ${i} returned`);
        }
      }
    };
    const readers = [reader(t), reader(sibling), reader(t), reader(sibling)];
    for (let i = 0; i < roles.length; i++) {
      await ops.mutate(t, "grantRole", `userId: "${userGid}", roleKey: "loop-${i}"`);
      completed = i;
    }
    completed = -1;
    phase = "revoke";
    for (let i = 0; i < roles.length; i++) {
      await ops.mutate(i % 2 === 0 ? t : sibling, "revokeRole", `userId: "${userGid}", roleKey: "loop-${i}"`);
      completed = i;
    }
    done = true;
    await Promise.all(readers);
    expect(violations).toEqual([]);
    expect(reads).toBeGreaterThan(roles.length * 2);
    expect(await ops.permissionsOf(sibling, user.userId)).toEqual([]);
  });

  test("when the epoch INCR is not confirmed, the affected users' sets are deleted instead", async ({ t, sibling, ops }) => {
    const user = await t.signInAs({ roles: ["member"] });
    await ops.roleWith("no-epoch", ["roles:read"]);
    expect(await ops.permissionsOf(sibling, user.userId)).toEqual([]); // cached on the sibling
    const epoch = await t.app.cache.get(keys.permsEpoch());
    const incr = vi.spyOn(t.app.cache, "incr").mockResolvedValue(null);
    try {
      await ops.mutate(t, "grantRole", `userId: "${user.userGid}", roleKey: "no-epoch"`);
    } finally {
      incr.mockRestore();
    }
    expect(await t.app.cache.get(keys.permsEpoch())).toBe(epoch);
    expect(await ops.permissionsOf(sibling, user.userId)).toEqual(["roles:read"]);
  });
});

describe("user profile and status changes", () => {
  test("updateUser: the user's own viewer (a cached session fragment) shows the change on the sibling", async ({ t, sibling, ops }) => {
    const user = await t.signInAs({ roles: ["member"] });
    const viewer = "{ viewer { user { name email } } }";
    type V = { viewer: { user: { name: string; email: string } } };
    expect((await ops.ok<V>(sibling, viewer, {}, user.token)).viewer.user.email).toBe(user.email);
    expect(await sibling.app.cache.get(keys.session(user.sessionId))).not.toBeNull();

    await ops.mutate(t, "updateUser", `id: "${user.userGid}", input: { name: "Renamed", email: "renamed-${user.userId.slice(0, 8)}@test.local" }`);

    const after = await ops.ok<V>(sibling, viewer, {}, user.token);
    expect(after.viewer.user).toEqual({ name: "Renamed", email: `renamed-${user.userId.slice(0, 8)}@test.local` });
    // The user fragment is tombstoned, so a reader that loaded the old row cannot write it back.
    expect(await t.app.cache.get(keys.user(user.userId))).toBe(TOMBSTONE);
  });

  test("setUserStatus DISABLED: revokes every session at once (the token stops working on the sibling); ACTIVE does not revive them", async ({ t, sibling, ops }) => {
    const user = await t.signInAs({ roles: ["member"] });
    const second = await t.signInAs({ email: user.email, password: user.password });
    for (const token of [user.token, second.token]) {
      expect((await ops.ok<{ viewer: unknown }>(sibling, "{ viewer { session { id } } }", {}, token)).viewer).not.toBeNull();
    }
    const data = await ops.ok<{ setUserStatus: { __typename: string; revokedSessionCount: number; user: { status: string } } }>(
      t,
      `mutation { setUserStatus(id: "${user.userGid}", status: DISABLED) { __typename ... on SetUserStatusSuccess { revokedSessionCount user { status } } } }`,
    );
    expect(data.setUserStatus).toMatchObject({ __typename: "SetUserStatusSuccess", revokedSessionCount: 2, user: { status: "DISABLED" } });
    for (const token of [user.token, second.token]) {
      expect((await ops.ok<{ viewer: unknown }>(sibling, "{ viewer { session { id } } }", {}, token)).viewer).toBeNull();
    }
    const sessions = await t.db.session.findMany({ where: { userId: user.userId } });
    expect(sessions.every((s) => s.revokedReason === "user_disabled")).toBe(true);

    await ops.mutate(t, "setUserStatus", `id: "${user.userGid}", status: ACTIVE`);
    expect((await ops.ok<{ viewer: unknown }>(sibling, "{ viewer { session { id } } }", {}, user.token)).viewer).toBeNull();
    const again = await t.signInAs({ email: user.email, password: user.password });
    expect((await ops.ok<{ viewer: unknown }>(sibling, "{ viewer { session { id } } }", {}, again.token)).viewer).not.toBeNull();
  });
});
