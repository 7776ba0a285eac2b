// Idempotent seed: the permission catalogue, the `admin` (all permissions) and `member` roles, and an
// admin account. Safe to run on every start: existing rows are left as they are (an existing admin's
// password is never overwritten).
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { PasswordHasher } from "../modules/credentials/passwords.js";
import { ADMIN_ROLE_KEY, MEMBER_ROLE_KEY, PERMISSIONS, PERMISSION_KEYS } from "../modules/rbac/catalogue.js";
import { normaliseEmail } from "../modules/users/user.js";

export interface SeedResult {
  adminEmail: string;
  /** Set only when this run created the admin with a generated password (print it once). */
  generatedPassword: string | null;
  createdAdmin: boolean;
}

export async function seed(
  db: PrismaClient,
  passwords: PasswordHasher,
  admin: { email: string; password?: string | undefined },
): Promise<SeedResult> {
  for (const key of PERMISSION_KEYS) {
    await db.permission.upsert({ where: { key }, create: { key, description: PERMISSIONS[key] }, update: {} });
  }
  const all = await db.permission.findMany({ select: { id: true } });
  const adminRole = await db.role.upsert({
    where: { key: ADMIN_ROLE_KEY },
    create: { key: ADMIN_ROLE_KEY, name: "Administrator", description: "Every permission" },
    update: {},
  });
  // The admin role always holds the whole catalogue, including permissions added by later releases.
  await db.rolePermission.createMany({ data: all.map((p) => ({ roleId: adminRole.id, permissionId: p.id })), skipDuplicates: true });
  await db.role.upsert({
    where: { key: MEMBER_ROLE_KEY },
    create: { key: MEMBER_ROLE_KEY, name: "Member", description: "Signed-in user; reads and manages their own account" },
    update: {},
  });

  const email = normaliseEmail(admin.email);
  const existing = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) {
    await db.userRole.createMany({ data: [{ userId: existing.id, roleId: adminRole.id }], skipDuplicates: true });
    return { adminEmail: email, generatedPassword: null, createdAdmin: false };
  }
  const generatedPassword = admin.password ? null : randomBytes(18).toString("base64url");
  const passwordHash = await passwords.hash(admin.password ?? generatedPassword ?? "");
  await db.user.create({
    // The operator chose this address: with REQUIRE_VERIFIED_EMAIL the admin must still get in.
    data: { email, name: "Administrator", passwordHash, emailVerifiedAt: new Date(), roles: { create: { roleId: adminRole.id } } },
  });
  return { adminEmail: email, generatedPassword, createdAdmin: true };
}
