// Effective permissions = union of the permissions of the user's roles. One SQL statement for any
// number of users; cached per user together with the permission epoch it was computed under. A key
// that only roles with `requireMfa` grant is marked: it applies only in a session that proved MFA.
import type pg from "pg";
import { directRows, directStatement } from "../../db/direct.js";

export interface EffectivePermissions {
  /** Every key the user's roles grant. */
  keys: string[];
  /** The subset granted only by roles that require MFA. */
  mfaOnly: string[];
}

const EFFECTIVE_PERMISSIONS = directStatement(
  "effective_permissions",
  `SELECT ur.user_id::text AS user_id, p.key, bool_and(r.require_mfa) AS mfa_only
   FROM user_roles ur
   JOIN roles r ON r.id = ur.role_id
   JOIN role_permissions rp ON rp.role_id = ur.role_id
   JOIN permissions p ON p.id = rp.permission_id
   WHERE ur.user_id = ANY($1::uuid[])
   GROUP BY ur.user_id, p.key
   ORDER BY p.key`,
);

/** `pool`: the primary's (db.pool); these sets decide access, so never from a replica. */
export async function loadEffectivePermissions(pool: pg.Pool, userIds: readonly string[]): Promise<Map<string, EffectivePermissions>> {
  const result = new Map<string, EffectivePermissions>(userIds.map((id) => [id, { keys: [], mfaOnly: [] }]));
  if (userIds.length === 0) return result;
  const rows = await directRows<{ user_id: string; key: string; mfa_only: boolean }>(pool, EFFECTIVE_PERMISSIONS, [[...userIds]]);
  for (const row of rows) {
    const entry = result.get(row.user_id);
    entry?.keys.push(row.key);
    if (row.mfa_only) entry?.mfaOnly.push(row.key);
  }
  return result;
}

export interface PermissionRecord {
  id: string;
  key: string;
  description: string;
}

const ROLE_PERMISSIONS = directStatement(
  "role_permissions",
  `SELECT rp.role_id::text AS role_id, p.id::text AS id, p.key, p.description
   FROM role_permissions rp
   JOIN permissions p ON p.id = rp.permission_id
   WHERE rp.role_id = ANY($1::uuid[])
   ORDER BY p.key`,
);

/**
 * The permissions of each role, in one statement. Going through Prisma's nested selection costs two
 * (the join table, then the permissions), which is what kept a page of users above six statements.
 */
export async function loadRolePermissions(pool: pg.Pool, roleIds: readonly string[]): Promise<Map<string, PermissionRecord[]>> {
  const result = new Map<string, PermissionRecord[]>(roleIds.map((id) => [id, []]));
  if (roleIds.length === 0) return result;
  const rows = await directRows<PermissionRecord & { role_id: string }>(pool, ROLE_PERMISSIONS, [[...roleIds]]);
  for (const { role_id, ...permission } of rows) result.get(role_id)?.push(permission);
  return result;
}
