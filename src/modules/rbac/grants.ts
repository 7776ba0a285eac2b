// Granting and revoking roles. One transaction each, ending with its audit event; permission caches
// are invalidated after the commit and before returning.
import type { App, RequestMeta } from "../../app.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { ConflictError, NotFoundError, ValidationError } from "../../errors.js";
import { actorFields } from "../audit/recorder.js";
import type { Viewer } from "../sessions/session.js";
import { lockUser } from "../users/user.js";
import type { UserRecord } from "../users/user.js";
import { ADMIN_ROLE_KEY } from "./catalogue.js";
import { assertNotLastAdmin, lockAdminRole } from "./last-admin.js";
import { permissionsChanged } from "./permission-cache.js";
import { ROLE_SELECT } from "./roles.js";

export async function grantRole(app: App, viewer: Viewer, userId: string, roleKey: string, request: RequestMeta): Promise<UserRecord> {
  const user = await app.db.prisma.$transaction(async (tx) => {
    const subject = await lockUser(tx, userId);
    const role = await tx.role.findUnique({ where: { key: roleKey }, select: ROLE_SELECT });
    if (!role) throw new NotFoundError(`Role "${roleKey}"`);
    // ON CONFLICT DO NOTHING: a duplicate is reported without aborting the transaction.
    const { count } = await tx.userRole.createMany({ data: [{ userId, roleId: role.id, grantedById: viewer.user.id }], skipDuplicates: true });
    if (count === 0) throw new ConflictError(`The user already has the role "${roleKey}".`);
    await app.audit.record(tx, { type: "ROLE_GRANTED", ...actorFields(viewer), subjectUserId: userId, metadata: { roleId: role.id, key: role.key } }, request);
    return subject;
  });
  await permissionsChanged(app, async () => [userId]);
  return user;
}

export async function revokeRole(app: App, viewer: Viewer, userId: string, roleKey: string, request: RequestMeta): Promise<UserRecord> {
  const user = await app.db.prisma.$transaction(async (tx) => {
    const role = roleKey === ADMIN_ROLE_KEY ? await lockAdminRole(tx) : await tx.role.findUnique({ where: { key: roleKey }, select: ROLE_SELECT });
    if (!role) throw new NotFoundError(`Role "${roleKey}"`);
    const subject = await lockUser(tx, userId);
    if (role.key === ADMIN_ROLE_KEY) await assertNotLastAdmin(tx, role, subject);
    const { count } = await tx.userRole.deleteMany({ where: { userId, roleId: role.id } });
    if (count === 0) throw new NotFoundError(`Grant of role "${roleKey}"`);
    await app.audit.record(tx, { type: "ROLE_REVOKED", ...actorFields(viewer), subjectUserId: userId, metadata: { roleId: role.id, key: role.key } }, request);
    return subject;
  });
  await permissionsChanged(app, async () => [userId]);
  return user;
}

/** Role ids for keys, or a ValidationError at `path` naming every unknown key. */
export async function roleIdsForKeys(tx: Prisma.TransactionClient, roleKeys: readonly string[], path: string): Promise<{ id: string; key: string }[]> {
  const wanted = [...new Set(roleKeys)];
  const found = await tx.role.findMany({ where: { key: { in: wanted } }, select: { id: true, key: true } });
  const unknown = wanted.filter((k) => !found.some((r) => r.key === k));
  if (unknown.length > 0) throw new ValidationError([{ path, message: `unknown role key(s): ${unknown.join(", ")}` }]);
  return found;
}
