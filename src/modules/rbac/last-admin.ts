// The last-admin rule: no change may leave the gateway without an active admin. Every change that
// could locks the admin role row first, so two concurrent demotions of different admins cannot both
// see "one other admin left": the second waits, then counts what the first committed.
import type { Prisma } from "../../generated/prisma/client.js";
import { LastAdminError } from "../../errors.js";
import { ADMIN_ROLE_KEY } from "./catalogue.js";

type Tx = Prisma.TransactionClient;

export interface RoleRecord {
  id: string;
  key: string;
  name: string;
  description: string;
  requireMfa: boolean;
}

/** Locks one role row until commit. */
export async function lockRole(tx: Tx, where: { id: string } | { key: string }): Promise<RoleRecord | null> {
  const rows =
    "id" in where
      ? await tx.$queryRaw<RoleRecord[]>`SELECT id::text AS id, key, name, description, require_mfa AS "requireMfa" FROM roles WHERE id = ${where.id}::uuid FOR UPDATE`
      : await tx.$queryRaw<RoleRecord[]>`SELECT id::text AS id, key, name, description, require_mfa AS "requireMfa" FROM roles WHERE key = ${where.key} FOR UPDATE`;
  return rows[0] ?? null;
}

/** Lock order everywhere: the admin role row, then user rows. */
export function lockAdminRole(tx: Tx): Promise<RoleRecord | null> {
  return lockRole(tx, { key: ADMIN_ROLE_KEY });
}

/** Active holders of the admin role, optionally not counting one user. Call with the admin row locked. */
export function activeAdminCount(tx: Tx, adminRoleId: string, excludingUserId?: string): Promise<number> {
  return tx.userRole.count({
    where: { roleId: adminRoleId, user: { status: "ACTIVE", ...(excludingUserId ? { id: { not: excludingUserId } } : {}) } },
  });
}

/** Throws LastAdminError when `user` is an active admin and no other active admin exists. */
export async function assertNotLastAdmin(tx: Tx, admin: RoleRecord | null, user: { id: string; status: string }): Promise<void> {
  if (!admin || user.status !== "ACTIVE") return;
  const holds = await tx.userRole.count({ where: { roleId: admin.id, userId: user.id } });
  if (holds > 0 && (await activeAdminCount(tx, admin.id, user.id)) === 0) throw new LastAdminError();
}
