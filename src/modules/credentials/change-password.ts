// Changing the viewer's password: every other session of theirs is revoked in the same transaction.
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { enteredPasswordSchema, parseInput, passwordSchema, perConfig } from "../../validation.js";
import { actorFields } from "../audit/recorder.js";
import type { Viewer } from "../sessions/session.js";
import { invalidateSessions, revokeSessionsInTx } from "../sessions/revoke.js";
import { confirmPassword } from "./confirm-password.js";

/** Returns how many other sessions were revoked. */
const changePasswordInput = perConfig((config) => z.object({ currentPassword: enteredPasswordSchema(config), newPassword: passwordSchema(config) }));

export async function changePassword(app: App, viewer: Viewer, input: { currentPassword: string; newPassword: string }, request: RequestMeta): Promise<number> {
  const data = parseInput(changePasswordInput(app.config), input);
  await confirmPassword(app, viewer, data.currentPassword, "PASSWORD_CHANGE_FAILED", request);
  const passwordHash = await app.passwords.hash(data.newPassword);
  const revocation = await app.db.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: viewer.user.id }, data: { passwordHash } });
    return revokeSessionsInTx(app, tx, { userId: viewer.user.id, id: { not: viewer.session.id } }, "password_changed", (innerTx, ids) =>
      app.audit.record(innerTx, { type: "PASSWORD_CHANGED", ...actorFields(viewer), subjectUserId: viewer.user.id, metadata: { revokedSessions: ids.length } }, request),
    );
  });
  await invalidateSessions(app, revocation);
  return revocation.revoked.length;
}
