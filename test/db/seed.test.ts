// The seed: permission catalogue, admin and member roles, the admin account; safe to run again.
import { describe, expect } from "vitest";
import { seed } from "../../src/db/seed.js";
import { PERMISSION_KEYS } from "../../src/modules/rbac/catalogue.js";
import { test } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";

async function counts(t: TestInstance) {
  const db = t.db;
  return {
    users: await db.user.count(),
    roles: await db.role.count(),
    permissions: await db.permission.count(),
    rolePermissions: await db.rolePermission.count(),
    userRoles: await db.userRole.count(),
  };
}

describe("seed", () => {
  test("installs the catalogue, admin (all permissions) and member roles, and the admin", async ({ t }) => {
    const perms = await t.db.permission.findMany({ select: { key: true } });
    expect(perms.map((p) => p.key).sort()).toEqual([...PERMISSION_KEYS].sort());
    const admin = await t.db.role.findUniqueOrThrow({ where: { key: "admin" }, include: { permissions: true, users: true } });
    expect(admin.permissions).toHaveLength(PERMISSION_KEYS.length);
    expect(admin.users).toHaveLength(1);
    expect(await t.db.role.findUnique({ where: { key: "member" } })).not.toBeNull();
  });

  test("is idempotent and never overwrites an existing admin's password", async ({ t }) => {
    const before = await counts(t);
    const hashBefore = (await t.db.user.findUniqueOrThrow({ where: { email: "admin@test.local" } })).passwordHash;
    const result = await seed(t.db, t.app.passwords, { email: "Admin@Test.local ", password: "another-password-456" });
    expect(result).toEqual({ adminEmail: "admin@test.local", generatedPassword: null, createdAdmin: false });
    expect(await counts(t)).toEqual(before);
    expect((await t.db.user.findUniqueOrThrow({ where: { email: "admin@test.local" } })).passwordHash).toBe(hashBefore);
  });

  test("generates a password (returned once) when none is given", async ({ t }) => {
    const result = await seed(t.db, t.app.passwords, { email: "second-admin@test.local" });
    expect(result.createdAdmin).toBe(true);
    expect(result.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const res = await t.gql<{ signIn: { __typename: string } }>(
      "mutation($i: SignInInput!) { signIn(input: $i) { __typename } }",
      { i: { email: "second-admin@test.local", password: result.generatedPassword } },
    );
    expect(res.data?.signIn.__typename).toBe("SignInSuccess");
  });
});
