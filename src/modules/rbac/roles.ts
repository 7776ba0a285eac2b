// Role administration: create, update and delete roles, set a role's permissions, grant and revoke
// roles. Each change is one transaction that ends with its audit event; permission caches are
// invalidated after the commit and before returning (permissionsChanged).
import { z } from "zod";
import type { App } from "../../app.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { ConflictError, LastAdminError, NotFoundError, RoleInUseError, ValidationError } from "../../errors.js";
import { record } from "../audit/append.js";
import type { AuditEventInput } from "../audit/append.js";
import { auditOptions } from "../audit/recorder.js";
import { isUniqueViolation } from "../credentials/sign-in.js";
import { permissionsChanged } from "./permission-cache.js";
import { ADMIN_ROLE_KEY } from "./catalogue.js";
import type { RequestMeta, UserRecord, Viewer } from "../types.js";
import { USER_SELECT } from "../users/records.js";
import { parseInput } from "../../validation.js";

export type Tx = Prisma.TransactionClient;

export interface RoleRecord {
  id: string;
  key: string;
  name: string;
  description: string;
}

const ROLE_SELECT = { id: true, key: true, name: true, description: true } as const;
/** Bounds the IN lists built from client input. */
const MAX_KEYS = 200;

const roleKeySchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, "must be 1-64 of a-z 0-9 _ -, starting with a letter");
const roleNameSchema = z.string().trim().min(1, "is required").max(100, "must be at most 100 characters");
const descriptionSchema = z.string().trim().max(500, "must be at most 500 characters");

/** Who did it and from where, as every audit event records it. */
export function actorFields(viewer: Viewer): Pick<AuditEventInput, "actorUserId" | "sessionId"> {
  return { actorUserId: viewer.user.id, sessionId: viewer.session.id };
}

async function audit(app: App, tx: Tx, event: AuditEventInput, request: RequestMeta): Promise<void> {
  await record(tx, event, request, auditOptions(app), app.clock.now());
}

/**
 * Locks one role row until commit. Every change that could leave no active admin locks the admin
 * role row first, so two concurrent demotions of different admins cannot both see "one other admin
 * left": the second waits, then counts what the first committed.
 */
async function lockRole(tx: Tx, where: { id: string } | { key: string }): Promise<RoleRecord | null> {
  const rows =
    "id" in where
      ? await tx.$queryRaw<RoleRecord[]>`SELECT id::text AS id, key, name, description FROM roles WHERE id = ${where.id}::uuid FOR UPDATE`
      : await tx.$queryRaw<RoleRecord[]>`SELECT id::text AS id, key, name, description FROM roles WHERE key = ${where.key} FOR UPDATE`;
  return rows[0] ?? null;
}

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

function holderIds(app: App, roleId: string): () => Promise<string[]> {
  return async () => (await app.db.prisma.userRole.findMany({ where: { roleId }, select: { userId: true } })).map((r) => r.userId);
}

export async function createRole(
  app: App,
  viewer: Viewer,
  input: { key: string; name: string; description?: string | null },
  request: RequestMeta,
): Promise<RoleRecord> {
  const data = parseInput(z.object({ key: roleKeySchema, name: roleNameSchema, description: descriptionSchema.nullish() }), input);
  try {
    return await app.db.prisma.$transaction(async (tx) => {
      const role = await tx.role.create({ data: { key: data.key, name: data.name, description: data.description ?? "" }, select: ROLE_SELECT });
      await audit(app, tx, { type: "ROLE_CREATED", ...actorFields(viewer), metadata: { roleId: role.id, key: role.key } }, request);
      return role;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`A role with the key "${data.key}" already exists.`);
    throw error;
  }
}

/** Name and description only: the key is the role's identity in grants, filters and the admin checks. */
export async function updateRole(
  app: App,
  viewer: Viewer,
  roleId: string,
  input: { name?: string | null; description?: string | null },
  request: RequestMeta,
): Promise<RoleRecord> {
  const data = parseInput(z.object({ name: roleNameSchema.nullish(), description: descriptionSchema.nullish() }), input);
  return app.db.prisma.$transaction(async (tx) => {
    const current = await lockRole(tx, { id: roleId });
    if (!current) throw new NotFoundError("Role");
    const changes = {
      ...(data.name != null && data.name !== current.name ? { name: data.name } : {}),
      ...(data.description != null && data.description !== current.description ? { description: data.description } : {}),
    };
    if (Object.keys(changes).length === 0) return current;
    const role = await tx.role.update({ where: { id: roleId }, data: changes, select: ROLE_SELECT });
    await audit(app, tx, { type: "ROLE_UPDATED", ...actorFields(viewer), metadata: { roleId, key: role.key, changed: Object.keys(changes) } }, request);
    return role;
  });
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
    await audit(app, tx, { type: "ROLE_DELETED", ...actorFields(viewer), metadata: { roleId, key: role.key, revokedGrants: holders.length, forced: force } }, request);
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
    await audit(
      app,
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

async function findUserForUpdate(tx: Tx, userId: string): Promise<UserRecord> {
  // Row lock: a concurrent status change or deletion of this user waits for us.
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw new NotFoundError("User");
  return tx.user.findUniqueOrThrow({ where: { id: userId }, select: USER_SELECT });
}

export async function grantRole(app: App, viewer: Viewer, userId: string, roleKey: string, request: RequestMeta): Promise<UserRecord> {
  const user = await app.db.prisma.$transaction(async (tx) => {
    const subject = await findUserForUpdate(tx, userId);
    const role = await tx.role.findUnique({ where: { key: roleKey }, select: ROLE_SELECT });
    if (!role) throw new NotFoundError(`Role "${roleKey}"`);
    // ON CONFLICT DO NOTHING: a duplicate is reported without aborting the transaction.
    const { count } = await tx.userRole.createMany({ data: [{ userId, roleId: role.id, grantedById: viewer.user.id }], skipDuplicates: true });
    if (count === 0) throw new ConflictError(`The user already has the role "${roleKey}".`);
    await audit(app, tx, { type: "ROLE_GRANTED", ...actorFields(viewer), subjectUserId: userId, metadata: { roleId: role.id, key: role.key } }, request);
    return subject;
  });
  await permissionsChanged(app, async () => [userId]);
  return user;
}

export async function revokeRole(app: App, viewer: Viewer, userId: string, roleKey: string, request: RequestMeta): Promise<UserRecord> {
  const user = await app.db.prisma.$transaction(async (tx) => {
    // Lock order everywhere: admin role row, then the user row.
    const role = roleKey === ADMIN_ROLE_KEY ? await lockAdminRole(tx) : await tx.role.findUnique({ where: { key: roleKey }, select: ROLE_SELECT });
    if (!role) throw new NotFoundError(`Role "${roleKey}"`);
    const subject = await findUserForUpdate(tx, userId);
    if (role.key === ADMIN_ROLE_KEY) await assertNotLastAdmin(tx, role, subject);
    const { count } = await tx.userRole.deleteMany({ where: { userId, roleId: role.id } });
    if (count === 0) throw new NotFoundError(`Grant of role "${roleKey}"`);
    await audit(app, tx, { type: "ROLE_REVOKED", ...actorFields(viewer), subjectUserId: userId, metadata: { roleId: role.id, key: role.key } }, request);
    return subject;
  });
  await permissionsChanged(app, async () => [userId]);
  return user;
}

/** Role ids for keys, or a ValidationError at `path` naming every unknown key. */
export async function roleIdsForKeys(tx: Tx, roleKeys: readonly string[], path: string): Promise<{ id: string; key: string }[]> {
  const wanted = [...new Set(roleKeys)];
  const found = await tx.role.findMany({ where: { key: { in: wanted } }, select: { id: true, key: true } });
  const unknown = wanted.filter((k) => !found.some((r) => r.key === k));
  if (unknown.length > 0) throw new ValidationError([{ path, message: `unknown role key(s): ${unknown.join(", ")}` }]);
  return found;
}
