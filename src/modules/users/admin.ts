// User administration: create users, change their profile, change their status. One transaction
// per change, ending with its audit event; caches are invalidated after the commit, before returning.
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import type { UserStatus } from "../../generated/prisma/enums.js";
import { invalidate } from "../../cache/invalidation.js";
import { keys } from "../../cache/keys.js";
import { conflictOnDuplicate } from "../../db/conflicts.js";
import { actorFields } from "../audit/recorder.js";
import { permissionsChanged } from "../rbac/permission-cache.js";
import { MEMBER_ROLE_KEY } from "../rbac/catalogue.js";
import { roleIdsForKeys } from "../rbac/grants.js";
import { assertNotLastAdmin, lockAdminRole } from "../rbac/last-admin.js";
import type { Viewer } from "../sessions/session.js";
import { invalidateSessions, revokeSessionsInTx } from "../sessions/revoke.js";
import type { RevokeReason } from "../sessions/revoke.js";
import { USER_SELECT, lockUser } from "./user.js";
import type { UserRecord } from "./user.js";
import { emailSchema, nameSchema, parseInput, passwordSchema, perConfig } from "../../validation.js";
import { consumeOutstandingTokens } from "./account-tokens.js";

const EMAIL_TAKEN = "A user with this email already exists.";

export interface CreateUserInput {
  email: string;
  name: string;
  password?: string | null;
  /** Omitted: the `member` role, as for self-service sign-up. An empty list grants nothing. */
  roleKeys?: readonly string[] | null;
}

const createUserInput = perConfig((config) =>
  z.object({
    email: emailSchema,
    name: nameSchema,
    // Without a password the account cannot sign in until one is set.
    password: passwordSchema(config).nullish(),
    roleKeys: z.array(z.string().trim().min(1).max(64)).max(50, "at most 50 roles").nullish(),
  }),
);
const updateUserInput = z.object({ email: emailSchema.nullish(), name: nameSchema.nullish() });

export async function createUser(app: App, viewer: Viewer, input: CreateUserInput, request: RequestMeta): Promise<UserRecord> {
  const data = parseInput(createUserInput(app.config), input);
  const passwordHash = data.password ? await app.passwords.hash(data.password) : null;
  const roleKeys = data.roleKeys ?? [MEMBER_ROLE_KEY];
  return conflictOnDuplicate(
    () =>
      app.db.prisma.$transaction(async (tx) => {
        const roles = await roleIdsForKeys(tx, roleKeys, "input.roleKeys");
        const user = await tx.user.create({
          data: { email: data.email, name: data.name, passwordHash, roles: { create: roles.map((r) => ({ roleId: r.id, grantedById: viewer.user.id })) } },
          select: USER_SELECT,
        });
        // No email in the metadata: the append-only log should not become a second copy of personal data.
        const metadata = { roleKeys: roles.map((r) => r.key).sort(), withPassword: passwordHash !== null };
        await app.audit.record(tx, { type: "USER_CREATED", ...actorFields(viewer), subjectUserId: user.id, metadata }, request);
        return user;
      }),
    EMAIL_TAKEN,
  );
}

export async function updateUser(
  app: App,
  viewer: Viewer,
  userId: string,
  input: { email?: string | null; name?: string | null },
  request: RequestMeta,
): Promise<UserRecord> {
  const data = parseInput(updateUserInput, input);
  let changed: string[] = [];
  const user = await conflictOnDuplicate(
    () =>
      app.db.prisma.$transaction(async (tx) => {
        const current = await lockUser(tx, userId);
        const changes = {
          ...(data.email != null && data.email !== current.email ? { email: data.email } : {}),
          ...(data.name != null && data.name !== current.name ? { name: data.name } : {}),
        };
        changed = Object.keys(changes);
        if (changed.length === 0) return current;
        // A new address is unproven, and tokens mailed to the old one must not act on it.
        const reverify = changes.email ? { emailVerifiedAt: null } : {};
        if (changes.email) await consumeOutstandingTokens(tx, userId, app.clock.now());
        const updated = await tx.user.update({ where: { id: userId }, data: { ...changes, ...reverify }, select: USER_SELECT });
        await app.audit.record(tx, { type: "USER_UPDATED", ...actorFields(viewer), subjectUserId: userId, metadata: { changed } }, request);
        return updated;
      }),
    EMAIL_TAKEN,
  );
  if (changed.length > 0) await invalidateUser(app, userId, []);
  return user;
}

export interface SetUserStatusResult {
  user: UserRecord;
  revokedSessionCount: number;
}

const REVOKE_REASON: Record<Exclude<UserStatus, "ACTIVE">, RevokeReason> = { DISABLED: "user_disabled", LOCKED: "user_locked" };

/**
 * DISABLED and LOCKED revoke every session of the user in the same transaction. The last active
 * admin cannot be disabled or locked. ACTIVE also clears a temporary lockout.
 */
export async function setUserStatus(app: App, viewer: Viewer, userId: string, status: UserStatus, request: RequestMeta): Promise<SetUserStatusResult> {
  const result = await app.db.prisma.$transaction(async (tx) => {
    // Lock order everywhere: admin role row, then the user row.
    const admin = status === "ACTIVE" ? null : await lockAdminRole(tx);
    const current = await lockUser(tx, userId);
    await assertNotLastAdmin(tx, admin, current);
    const user = await tx.user.update({
      where: { id: userId },
      data: status === "ACTIVE" ? { status, lockedUntil: null, failedLoginCount: 0 } : { status },
      select: USER_SELECT,
    });
    const revocation = status === "ACTIVE" ? null : await revokeSessionsInTx(app, tx, { userId }, REVOKE_REASON[status], async () => undefined);
    const revoked = revocation?.revoked ?? [];
    const metadata = { from: current.status, to: status, revokedSessions: revoked.length };
    await app.audit.record(tx, { type: "USER_STATUS_CHANGED", ...actorFields(viewer), subjectUserId: userId, metadata }, request);
    return { user, revoked, revocation };
  });
  // Like every revoke: returns once Redis holds the session tombstones, from here or the outbox.
  if (result.revocation) await invalidateSessions(app, result.revocation);
  await invalidateUser(app, userId, result.revoked);
  await permissionsChanged(app, async () => [userId]);
  return { user: result.user, revokedSessionCount: result.revoked.length };
}

/**
 * After a committed change to a user: the user fragment is tombstoned (a reader that loaded the old
 * row cannot write it back; the fragment loader reads a tombstone as a miss). Session fragments embed
 * the user: revoked ones are tombstoned (a tombstone means "revoked" there), live ones deleted.
 */
export async function invalidateUser(app: App, userId: string, revokedSessionIds: readonly string[]): Promise<void> {
  const live = await app.db.prisma.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: app.clock.now() } },
    select: { id: true },
  });
  await invalidate(app, {
    tombstones: [keys.user(userId), ...revokedSessionIds.map((id) => keys.session(id))],
    keys: live.map((s) => keys.session(s.id)),
  });
}
