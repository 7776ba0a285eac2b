// DataLoaders created per request. Users and effective permissions go through the fragment cache:
// one MGET per batch, one query for the misses, one pipeline writing them back.
import DataLoader from "dataloader";
import type { App } from "../app.js";
import { createFragmentLoader } from "../cache/fragments.js";
import { statsFor } from "../cache/stats.js";
import { keys } from "../cache/keys.js";
import { canTrustCache } from "../cache/invalidation.js";
import { loadEffectivePermissionsCached } from "../modules/rbac/permission-cache.js";
import { loadRolePermissions } from "../modules/rbac/permissions.js";
import type { PermissionRecord } from "../modules/rbac/permissions.js";
import { findUsersByIds, reviveUser } from "../modules/users/records.js";
import type { UserRecord } from "../modules/types.js";

export interface Loaders {
  users: DataLoader<string, UserRecord | null>;
  /** Effective permission keys per user id. */
  permissions: DataLoader<string, ReadonlySet<string>>;
  /** Permissions of each role id (Role.permissions), one statement per batch. */
  rolePermissions: DataLoader<string, PermissionRecord[]>;
}

export function createLoaders(app: App): Loaders {
  const loadUsers = createFragmentLoader<UserRecord>({
    cache: app.cache,
    kind: "user",
    key: keys.user,
    ttlMs: () => app.config.CACHE_USER_TTL_SECONDS * 1000,
    load: (ids) => findUsersByIds(app.db.prisma, ids),
    revive: reviveUser,
    idOf: (user) => user.id,
    metrics: statsFor(app),
  });
  return {
    users: new DataLoader(async (ids) => (canTrustCache(app) ? loadUsers(ids) : directUsers(app, ids))),
    permissions: new DataLoader(async (ids) => {
      const map = await loadEffectivePermissionsCached(app, ids);
      return ids.map((id) => new Set(map.get(id) ?? []));
    }),
    rolePermissions: new DataLoader(async (ids) => {
      const map = await loadRolePermissions(app.db.prisma, ids);
      return ids.map((id) => map.get(id) ?? []);
    }),
  };
}

async function directUsers(app: App, ids: readonly string[]): Promise<(UserRecord | null)[]> {
  const map = await findUsersByIds(app.db.prisma, ids);
  return ids.map((id) => map.get(id) ?? null);
}
