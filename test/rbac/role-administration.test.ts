// Role administration: each change lands in one transaction with exactly one audit event of its type,
// and there is always one active admin (refused demotions say LAST_ADMIN, also when concurrent).
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { encodeId } from "../../src/graphql/global-id.js";
import { test } from "../helpers/fixture.js";
import { ERR, audited, run } from "../helpers/admin-ops.js";
import type { Payload } from "../helpers/admin-ops.js";

describe("role administration", () => {
  test("createRole, updateRole, setRolePermissions each audit once, with what changed", async ({ t, admin }) => {
    let role: Payload = { __typename: "" };
    const created = await audited(t, async () => {
      role = await run(t, `mutation { createRole(input: { key: "support", name: "Support" }) { __typename ... on Role { id key name description permissions { key } } ${ERR} } }`, admin.token);
    });
    expect(role).toMatchObject({ __typename: "Role", key: "support", name: "Support", description: "", permissions: [] });
    expect(created.map((e) => e.type)).toEqual(["ROLE_CREATED"]);

    const updated = await audited(t, () => run(t, `mutation { updateRole(id: "${role.id}", input: { description: "Helps users" }) { __typename } }`, admin.token));
    expect(updated).toEqual([{ type: "ROLE_UPDATED", actorUserId: admin.userId, subjectUserId: null, metadata: expect.objectContaining({ key: "support", changed: ["description"] }) }]);

    let result: Payload = { __typename: "" };
    const set = await audited(t, async () => {
      result = await run(t, `mutation { setRolePermissions(roleId: "${role.id}", permissionKeys: ["users:read", "sessions:read", "users:read"]) { __typename ... on Role { permissions { key } } } }`, admin.token);
    });
    expect(result.permissions).toEqual([{ key: "sessions:read" }, { key: "users:read" }]);
    expect(set).toEqual([{ type: "ROLE_PERMISSIONS_SET", actorUserId: admin.userId, subjectUserId: null, metadata: expect.objectContaining({ added: ["sessions:read", "users:read"], removed: [] }) }]);
    const narrowed = await audited(t, () => run(t, `mutation { setRolePermissions(roleId: "${role.id}", permissionKeys: ["users:read"]) { __typename } }`, admin.token));
    expect(narrowed[0]?.metadata).toMatchObject({ added: [], removed: ["sessions:read"] });
  });

  test("grantRole / revokeRole audit ROLE_GRANTED / ROLE_REVOKED and return the user with the new roles", async ({ t, admin }) => {
    const user = await t.signInAs({ roles: ["member"] });
    let granted: Payload = { __typename: "" };
    const g = await audited(t, async () => {
      granted = await run(t, `mutation { grantRole(userId: "${user.userGid}", roleKey: "admin") { __typename ... on User { roles { key } permissions } } }`, admin.token);
    });
    expect(granted.roles).toEqual([{ key: "member" }, { key: "admin" }]);
    expect(granted.permissions).toContain("system:admin");
    expect(g).toEqual([{ type: "ROLE_GRANTED", actorUserId: admin.userId, subjectUserId: user.userId, metadata: expect.objectContaining({ key: "admin" }) }]);
    const grant = await t.db.userRole.findFirstOrThrow({ where: { userId: user.userId, role: { key: "admin" } } });
    expect(grant.grantedById).toBe(admin.userId);

    let revoked: Payload = { __typename: "" };
    const r = await audited(t, async () => {
      revoked = await run(t, `mutation { revokeRole(userId: "${user.userGid}", roleKey: "admin") { __typename ... on User { roles { key } permissions } } }`, admin.token);
    });
    expect(revoked).toMatchObject({ roles: [{ key: "member" }], permissions: [] });
    expect(r.map((e) => e.type)).toEqual(["ROLE_REVOKED"]);
  });

  test("deleteRole: refused while granted, forced removes the grants; audits ROLE_DELETED", async ({ t, admin }) => {
    const role = await t.db.role.create({ data: { key: "doomed", name: "Doomed" } });
    const holders = await Promise.all([1, 2, 3].map(() => t.signInAs({ roles: ["member", "doomed"] })));
    const gid = encodeId("Role", role.id);
    const refused = await run(t, `mutation { deleteRole(id: "${gid}") { __typename ... on RoleInUseError { code holderCount } } }`, admin.token);
    expect(refused).toEqual({ __typename: "RoleInUseError", code: "ROLE_IN_USE", holderCount: 3 });

    let deleted: Payload = { __typename: "" };
    const events = await audited(t, async () => {
      deleted = await run(t, `mutation { deleteRole(id: "${gid}", force: true) { __typename ... on DeleteRoleSuccess { deletedRoleId revokedGrantCount } } }`, admin.token);
    });
    expect(deleted).toEqual({ __typename: "DeleteRoleSuccess", deletedRoleId: gid, revokedGrantCount: 3 });
    expect(events).toEqual([{ type: "ROLE_DELETED", actorUserId: admin.userId, subjectUserId: null, metadata: expect.objectContaining({ key: "doomed", revokedGrants: 3, forced: true }) }]);
    expect(await t.db.userRole.count({ where: { userId: { in: holders.map((h) => h.userId) } } })).toBe(3); // member only
  });

  test("a changed role is answered, every column, from the transaction that changed it: nothing is read after COMMIT", async ({ t, admin }) => {
    const role = await t.db.role.create({ data: { key: "auditors", name: "Auditors" } });
    t.statements.reset();
    const updated = await run(
      t,
      `mutation { updateRole(id: "${encodeId("Role", role.id)}", input: { description: "Read the trail" }) { __typename ... on Role { id key name description requireMfa } } }`,
      admin.token,
    );
    expect(updated).toMatchObject({ __typename: "Role", key: "auditors", name: "Auditors", description: "Read the trail", requireMfa: false });
    const log = t.statements.log;
    expect(log.at(-1), log.join("\n")).toBe("COMMIT");
  });
});

describe("the last active admin", () => {
  test.beforeEach(async ({ t, admin }) => {
    // Each test starts with the seed admin as the only admin.
    const adminRole = await t.db.role.findUniqueOrThrow({ where: { key: "admin" } });
    await t.db.userRole.deleteMany({ where: { roleId: adminRole.id, userId: { not: admin.userId } } });
    await t.app.cache.incr(keys.permsEpoch());
  });

  test("may be demoted once another active admin exists, but a disabled admin does not count", async ({ t, admin }) => {
    const other = await t.signInAs({ roles: ["admin"] });
    await run(t, `mutation { setUserStatus(id: "${other.userGid}", status: DISABLED) { __typename } }`, admin.token);
    const refused = await run(t, `mutation { revokeRole(userId: "${admin.userGid}", roleKey: "admin") { __typename ${ERR} } }`, admin.token);
    expect(refused.code).toBe("LAST_ADMIN");
    await run(t, `mutation { setUserStatus(id: "${other.userGid}", status: ACTIVE) { __typename } }`, admin.token);
    // Now the other admin can be demoted by the seed admin (and the seed admin stays).
    const ok = await run(t, `mutation { revokeRole(userId: "${other.userGid}", roleKey: "admin") { __typename } }`, admin.token);
    expect(ok.__typename).toBe("User");
  });

  test("concurrent demotions of the last two admins: exactly one wins, one active admin remains", async ({ t, admin }) => {
    for (let round = 0; round < 4; round++) {
      const other = await t.signInAs({ roles: ["admin"] });
      // Both admins act at once: each demotes (or disables) the other / themselves.
      const ops =
        round % 2 === 0
          ? [
              `mutation { revokeRole(userId: "${admin.userGid}", roleKey: "admin") { __typename ${ERR} } }`,
              `mutation { revokeRole(userId: "${other.userGid}", roleKey: "admin") { __typename ${ERR} } }`,
            ]
          : [
              `mutation { setUserStatus(id: "${other.userGid}", status: LOCKED) { __typename ${ERR} } }`,
              `mutation { revokeRole(userId: "${admin.userGid}", roleKey: "admin") { __typename ${ERR} } }`,
            ];
      const results = await Promise.all([run(t, ops[0]!, other.token), run(t, ops[1]!, admin.token)]);
      // The winner answers its payload (a User, or SetUserStatusSuccess when the lock wins), the loser an error.
      expect(results.filter((r) => r.code === undefined), JSON.stringify(results)).toHaveLength(1);
      // The loser is refused as the last admin when both were authorised before either committed. When
      // the seed admin's request is authorised only after the other admin's demotion of it committed,
      // it no longer holds users:write: FORBIDDEN is then the right answer, and the only other one.
      const [byOther, byAdmin] = results;
      const adminDemotedFirst = round % 2 === 0 && byOther?.__typename === "User";
      expect(results.filter((r) => r.code === "LAST_ADMIN").length + (adminDemotedFirst && byAdmin?.code === "FORBIDDEN" ? 1 : 0), JSON.stringify(results)).toBe(1);
      const active = await t.db.userRole.count({ where: { role: { key: "admin" }, user: { status: "ACTIVE" } } });
      expect(active).toBe(1);
      // Restore: the seed admin holds admin again for the next round (via the database, not the API under test).
      const adminRole = await t.db.role.findUniqueOrThrow({ where: { key: "admin" } });
      await t.db.userRole.createMany({ data: [{ userId: admin.userId, roleId: adminRole.id }], skipDuplicates: true });
      await t.db.user.update({ where: { id: admin.userId }, data: { status: "ACTIVE" } });
      await t.db.userRole.deleteMany({ where: { userId: other.userId, roleId: adminRole.id } });
      await t.app.cache.incr(keys.permsEpoch());
    }
  });
});
