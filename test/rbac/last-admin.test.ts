// There is always one active admin: refused demotions say LAST_ADMIN, also under concurrent demotions.
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { test } from "../helpers/fixture.js";
import { ERR, run } from "../helpers/admin-ops.js";

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
      expect(results.filter((r) => r.code === "LAST_ADMIN"), JSON.stringify(results)).toHaveLength(1);
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
