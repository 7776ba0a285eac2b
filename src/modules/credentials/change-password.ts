// Changing the viewer's password: every other session of theirs is revoked in the same transaction.
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { InvalidCredentialsError, RateLimitedError } from "../../errors.js";
import { parseInput, passwordSchema } from "../../validation.js";
import { actorFields } from "../audit/recorder.js";
import type { Viewer } from "../sessions/session.js";
import { invalidateSessions, revokeSessionsInTx } from "../sessions/revoke.js";
import { enteredPassword } from "./sign-in.js";

/** Returns how many other sessions were revoked. */
export async function changePassword(app: App, viewer: Viewer, input: { currentPassword: string; newPassword: string }, request: RequestMeta): Promise<number> {
  const data = parseInput(z.object({ currentPassword: enteredPassword(app), newPassword: passwordSchema(app.config) }), input);
  // A stolen session must not become a password oracle: every attempt is reserved against the same
  // per-account and per-address windows as sign-in before the current password is checked.
  const wait = await app.loginLimiter.reserve(viewer.user.email, request.ip);
  if (wait > 0) throw new RateLimitedError(wait);
  const row = await app.db.prisma.user.findUniqueOrThrow({ where: { id: viewer.user.id }, select: { passwordHash: true } });
  const ok = row.passwordHash ? await app.passwords.verify(row.passwordHash, data.currentPassword) : await app.passwords.verifyDummy(data.currentPassword);
  if (!ok) {
    await app.db.prisma.$transaction((tx) =>
      app.audit.record(tx, { type: "PASSWORD_CHANGE_FAILED", ...actorFields(viewer), subjectUserId: viewer.user.id, metadata: { reason: "invalid_credentials" } }, request),
    );
    throw new InvalidCredentialsError();
  }
  const passwordHash = await app.passwords.hash(data.newPassword);
  const revocation = await app.db.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: viewer.user.id }, data: { passwordHash } });
    return revokeSessionsInTx(app, tx, { userId: viewer.user.id, id: { not: viewer.session.id } }, "password_changed", (innerTx, ids) =>
      app.audit.record(innerTx, { type: "PASSWORD_CHANGED", ...actorFields(viewer), subjectUserId: viewer.user.id, metadata: { revokedSessions: ids.length } }, request),
    );
  });
  await Promise.all([invalidateSessions(app, revocation), app.loginLimiter.release(viewer.user.email, request.ip)]);
  return revocation.revoked.length;
}
