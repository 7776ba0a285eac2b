// Effective permissions = union of the permissions of the user's roles. One SQL statement for any
// number of users; cached per user together with the permission epoch it was computed under.
import type { PrismaClient } from "../generated/prisma/client.js";

export async function loadEffectivePermissions(
  db: PrismaClient,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return result;
  const rows = await db.$queryRaw<{ user_id: string; key: string }[]>`
    SELECT DISTINCT ur.user_id::text AS user_id, p.key
    FROM user_roles ur
    JOIN role_permissions rp ON rp.role_id = ur.role_id
    JOIN permissions p ON p.id = rp.permission_id
    WHERE ur.user_id = ANY(${[...userIds]}::uuid[])
    ORDER BY p.key`;
  for (const row of rows) result.get(row.user_id)?.push(row.key);
  return result;
}
