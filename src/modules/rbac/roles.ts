// Role administration: create, update and delete roles, set a role's permissions. Each change is one
// transaction that ends with its audit event; permission caches are invalidated after the commit and
// before returning (permissionsChanged).
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { LastAdminError, NotFoundError, RoleInUseError, ValidationError } from "../../errors.js";
import { conflictOnDuplicate } from "../../db/conflicts.js";
import { parseInput } from "../../validation.js";
import { actorFields } from "../audit/recorder.js";
import type { Viewer } from "../sessions/session.js";
import { ADMIN_ROLE_KEY } from "./catalogue.js";
import { activeAdminCount, lockRole } from "./last-admin.js";
import type { RoleRecord } from "./last-admin.js";
import { permissionsChanged } from "./permission-cache.js";

export type { RoleRecord };

/** The columns of a role, as the Role type answers them. */
export const ROLE_SELECT = { id: true, key: true, name: true, description: true, requireMfa: true } as const;
/** Bounds the IN lists built from client input. */
const MAX_KEYS = 200;

const roleKeySchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, "must be 1-64 of a-z 0-9 _ -, starting with a letter");
const roleNameSchema = z.string().trim().min(1, "is required").max(100, "must be at most 100 characters");
const descriptionSchema = z.string().trim().max(500, "must be at most 500 characters");

function holderIds(app: App, roleId: string): () => Promise<string[]> {
  return async () => (await app.db.prisma.userRole.findMany({ where: { roleId }, select: { userId: true } })).map((r) => r.userId);
}

const createRoleInput = z.object({ key: roleKeySchema, name: roleNameSchema, description: descriptionSchema.nullish(), requireMfa: z.boolean().nullish() });
const updateRoleInput = z.object({ name: roleNameSchema.nullish(), description: descriptionSchema.nullish(), requireMfa: z.boolean().nullish() });

export async function createRole(
  app: App,
  viewer: Viewer,
  input: { key: string; name: string; description?: string | null; requireMfa?: boolean | null },
  request: RequestMeta,
): Promise<RoleRecord> {
  const data = parseInput(createRoleInput, input);
  return conflictOnDuplicate(
    () =>
      app.db.prisma.$transaction(async (tx) => {
        const role = await tx.role.create({
          data: { key: data.key, name: data.name, description: data.description ?? "", requireMfa: data.requireMfa ?? false },
          select: ROLE_SELECT,
        });
        await app.audit.record(tx, { type: "ROLE_CREATED", ...actorFields(viewer), metadata: { roleId: role.id, key: role.key, requireMfa: data.requireMfa ?? false } }, request);
        return role;
      }),
    `A role with the key "${data.key}" already exists.`,
  );
}

/** Name and description only: the key is the role's identity in grants, filters and the admin checks. */
export async function updateRole(
  app: App,
  viewer: Viewer,
  roleId: string,
  input: { name?: string | null; description?: string | null; requireMfa?: boolean | null },
  request: RequestMeta,
): Promise<RoleRecord> {
  const data = parseInput(updateRoleInput, input);
  const { role, mfaChanged } = await app.db.prisma.$transaction(async (tx) => {
    const current = await lockRole(tx, { id: roleId });
    if (!current) throw new NotFoundError("Role");
    const requireMfa = data.requireMfa == null ? null : (await tx.role.findUniqueOrThrow({ where: { id: roleId }, select: { requireMfa: true } })).requireMfa;
    const changes = {
      ...(data.name != null && data.name !== current.name ? { name: data.name } : {}),
      ...(data.description != null && data.description !== current.description ? { description: data.description } : {}),
      ...(data.requireMfa != null && data.requireMfa !== requireMfa ? { requireMfa: data.requireMfa } : {}),
    };
    if (Object.keys(changes).length === 0) return { role: current, mfaChanged: false };
    const updated = await tx.role.update({ where: { id: roleId }, data: changes, select: ROLE_SELECT });
    await app.audit.record(tx, { type: "ROLE_UPDATED", ...actorFields(viewer), metadata: { roleId, key: updated.key, changed: Object.keys(changes) } }, request);
    return { role: updated, mfaChanged: "requireMfa" in changes };
  });
  // Which of its holders' permissions need MFA changed: their cached sets are stale.
  if (mfaChanged) await permissionsChanged(app, holderIds(app, roleId));
  return role;
}

export interface DeleteRoleResult {
  roleId: string;
  revokedGrantCount: number;
}

/**
 * Refused while the role is granted unless `force`; the admin role is refused while anyone active
 * holds it (deleting it would demote every admin at once, the last one included).
 */
export async function deleteRole(app: App, viewer: Viewer, roleId: string, force: boolean, request: RequestMeta): Promise<DeleteRoleResult> {
  const { holders, ...result } = await app.db.prisma.$transaction(async (tx) => {
    const role = await lockRole(tx, { id: roleId });
    if (!role) throw new NotFoundError("Role");
    if (role.key === ADMIN_ROLE_KEY && (await activeAdminCount(tx, role.id)) > 0) throw new LastAdminError();
    const holderCount = await tx.userRole.count({ where: { roleId } });
    if (holderCount > 0 && !force) throw new RoleInUseError(holderCount);
    // Listed now: after the delete the grants are gone, and the cache fallback needs the holders.
    const holders = holderCount === 0 ? [] : (await tx.userRole.findMany({ where: { roleId }, select: { userId: true } })).map((r) => r.userId);
    // Grants and permission links go with the role (ON DELETE CASCADE).
    await tx.role.delete({ where: { id: roleId } });
    await app.audit.record(tx, { type: "ROLE_DELETED", ...actorFields(viewer), metadata: { roleId, key: role.key, revokedGrants: holders.length, forced: force } }, request);
    return { roleId, revokedGrantCount: holders.length, holders };
  });
  if (holders.length > 0) await permissionsChanged(app, async () => holders);
  return result;
}

export async function setRolePermissions(
  app: App,
  viewer: Viewer,
  roleId: string,
  permissionKeys: readonly string[],
  request: RequestMeta,
): Promise<RoleRecord> {
  const wanted = [...new Set(permissionKeys.map((k) => k.trim()))];
  if (wanted.length > MAX_KEYS) throw new ValidationError([{ path: "permissionKeys", message: `at most ${MAX_KEYS} keys` }]);
  const role = await app.db.prisma.$transaction(async (tx) => {
    // For the admin role this is also the admin lock.
    const locked = await lockRole(tx, { id: roleId });
    if (!locked) throw new NotFoundError("Role");
    const found = await tx.permission.findMany({ where: { key: { in: wanted } }, select: { id: true, key: true } });
    const unknown = wanted.filter((k) => !found.some((p) => p.key === k));
    if (unknown.length > 0) {
      throw new ValidationError([{ path: "permissionKeys", message: `unknown permission key(s): ${unknown.join(", ")}` }]);
    }
    const current = await tx.rolePermission.findMany({ where: { roleId }, select: { permissionId: true, permission: { select: { key: true } } } });
    const removed = current.filter((c) => !found.some((p) => p.id === c.permissionId));
    const added = found.filter((p) => !current.some((c) => c.permissionId === p.id));
    // Narrowing the admin role would strip the remaining admins of what they need to undo it.
    if (locked.key === ADMIN_ROLE_KEY && removed.length > 0 && (await activeAdminCount(tx, roleId)) > 0) throw new LastAdminError();
    if (removed.length > 0) {
      await tx.rolePermission.deleteMany({ where: { roleId, permissionId: { in: removed.map((r) => r.permissionId) } } });
    }
    if (added.length > 0) {
      await tx.rolePermission.createMany({ data: added.map((p) => ({ roleId, permissionId: p.id })), skipDuplicates: true });
    }
    await app.audit.record(
      tx,
      {
        type: "ROLE_PERMISSIONS_SET",
        ...actorFields(viewer),
        metadata: { roleId, key: locked.key, added: added.map((p) => p.key).sort(), removed: removed.map((r) => r.permission.key).sort() },
      },
      request,
    );
    return locked;
  });
  await permissionsChanged(app, holderIds(app, roleId));
  return role;
}
