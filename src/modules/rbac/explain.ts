// Why a user has (or lacks) a permission: the roles that grant it, or the least-privileged role that
// would; the user's status; and the cache state the gateway decides from, compared with PostgreSQL.
import type { App } from "../../app.js";
import { NotFoundError, ValidationError } from "../../errors.js";
import type { Role, UserStatus } from "../../generated/prisma/client.js";
import { PERMISSIONS } from "./catalogue.js";
import type { PermissionKey } from "./catalogue.js";
import { loadEffectivePermissionsCached, permissionCacheState } from "./permission-cache.js";
import type { PermissionCacheState } from "./permission-cache.js";
import { loadEffectivePermissions } from "./permissions.js";

export interface AccessExplanation {
  permission: PermissionKey;
  /** Held (per the set requests are decided from) and the user may sign in. */
  allowed: boolean;
  userStatus: UserStatus;
  /** The user's roles that grant the permission. */
  grantingRoles: Role[];
  /** When none does: the role granting it with the fewest permissions (least privilege), if any. */
  closestRole: Role | null;
  /** Granted only by roles that require a second factor: sessions without one lack it. */
  requiresMfa: boolean;
  cacheState: PermissionCacheState;
  /** Whether that set equals what PostgreSQL says now (false: a stale entry awaiting invalidation). */
  cacheAgreesWithDatabase: boolean;
}

export function permissionKey(value: string, path = "permission"): PermissionKey {
  if (!Object.hasOwn(PERMISSIONS, value)) throw new ValidationError([{ path, message: "is not a known permission key (resource:action)" }]);
  return value as PermissionKey;
}

const sameKeys = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export async function explainAccess(app: App, userId: string, permission: PermissionKey): Promise<AccessExplanation> {
  const db = app.db.prisma;
  const user = await db.user.findUnique({ where: { id: userId }, select: { status: true } });
  if (!user) throw new NotFoundError("User");
  // Before the cached read below, which writes the set back on a miss.
  const cacheState = await permissionCacheState(app, userId);
  const [decided, truth, roles] = await Promise.all([
    loadEffectivePermissionsCached(app, [userId]).then((m) => m.get(userId)),
    loadEffectivePermissions(app.db.pool, [userId]).then((m) => m.get(userId)),
    db.role.findMany({
      where: { permissions: { some: { permission: { key: permission } } } },
      include: { _count: { select: { permissions: true } }, users: { where: { userId }, select: { userId: true } } },
      orderBy: { key: "asc" },
    }),
  ]);
  const held = roles.filter((r) => r.users.length > 0);
  const closest = held.length > 0 ? null : ([...roles].sort((a, b) => a._count.permissions - b._count.permissions)[0] ?? null);
  const strip = ({ _count: _c, users: _u, ...role }: (typeof roles)[number]): Role => role;
  const keys = decided?.keys ?? [];
  return {
    permission,
    allowed: keys.includes(permission) && user.status === "ACTIVE",
    userStatus: user.status,
    grantingRoles: held.map(strip),
    closestRole: closest ? strip(closest) : null,
    requiresMfa: decided?.mfaOnly.includes(permission) ?? false,
    cacheState,
    cacheAgreesWithDatabase: sameKeys(keys, truth?.keys ?? []) && sameKeys(decided?.mfaOnly ?? [], truth?.mfaOnly ?? []),
  };
}
