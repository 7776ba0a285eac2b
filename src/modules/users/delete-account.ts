// Account erasure: `deleteAccount(currentPassword)` by the user, `deleteUser(id)` by an admin (the
// last-admin rule applies). In one transaction: the sessions are revoked and, with the user row,
// deleted along with roles, credentials, tokens and pending mail; the user's personal data in the
// audit trail is pseudonymised (events and hashes stay, see audit/pseudonymise-user.ts); a notice is
// queued to the address; ACCOUNT_DELETED is recorded. Caches are invalidated after the commit.
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { invalidate } from "../../cache/invalidation.js";
import { keys } from "../../cache/keys.js";
import { enteredPasswordSchema, parseInput, perConfig } from "../../validation.js";
import { pseudonymiseUserAuditData } from "../audit/pseudonymise-user.js";
import { actorFields } from "../audit/recorder.js";
import { confirmPassword } from "../credentials/confirm-password.js";
import { assertNotLastAdmin, lockAdminRole } from "../rbac/last-admin.js";
import type { Viewer } from "../sessions/session.js";
import { invalidateSessions, revokeSessionsInTx } from "../sessions/revoke.js";
import { lockUser } from "./user.js";

const deleteAccountInput = perConfig((config) => z.object({ currentPassword: enteredPasswordSchema(config) }));

export async function deleteAccount(app: App, viewer: Viewer, input: { currentPassword: string }, request: RequestMeta): Promise<string> {
  const data = parseInput(deleteAccountInput(app.config), input);
  await confirmPassword(app, viewer, data.currentPassword, "ACCOUNT_DELETE_FAILED", request);
  return eraseUser(app, viewer, viewer.user.id, request);
}

export function deleteUser(app: App, viewer: Viewer, userId: string, request: RequestMeta): Promise<string> {
  return eraseUser(app, viewer, userId, request);
}

/** Returns the deleted user's id. */
async function eraseUser(app: App, viewer: Viewer, userId: string, request: RequestMeta): Promise<string> {
  const self = viewer.user.id === userId;
  const { ipKey } = app.audit.options;
  const revocation = await app.db.prisma.$transaction(async (tx) => {
    // Lock order everywhere: admin role row, then the user row.
    const admin = await lockAdminRole(tx);
    const user = await lockUser(tx, userId);
    await assertNotLastAdmin(tx, admin, user);
    const revocation = await revokeSessionsInTx(app, tx, { userId }, "account_deleted", async () => undefined);
    // Sessions, roles, tokens and queued mail go with the row (ON DELETE CASCADE).
    await tx.user.delete({ where: { id: userId } });
    if (app.config.MAIL_ENABLED) await app.mail.enqueue(tx, { kind: "account_deleted", to: user.email });
    await pseudonymiseUserAuditData(tx, ipKey, user);
    const eventId = await app.audit.record(
      tx,
      { type: "ACCOUNT_DELETED", ...actorFields(viewer), subjectUserId: userId, metadata: { self, revokedSessions: revocation.revoked.length } },
      request,
    );
    // Deleting one's own account: this event's IP and user agent are the user's too.
    if (self) await pseudonymiseUserAuditData(tx, ipKey, user, eventId - 1n);
    return revocation;
  });
  // Like every revoke: returns once Redis holds the session tombstones, from here or the outbox.
  await invalidateSessions(app, revocation);
  await invalidate(app, { tombstones: [keys.user(userId)], keys: [keys.perms(userId)] });
  app.mail.kick();
  return userId;
}
