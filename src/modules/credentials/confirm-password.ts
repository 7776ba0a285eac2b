// The signed-in user's current password, asked again before a sensitive change (password, address,
// deletion). A stolen session must not become a password oracle: every attempt is reserved against
// the same per-account and per-address windows as sign-in before the hash is looked at.
import type { App, RequestMeta } from "../../app.js";
import { InvalidCredentialsError, RateLimitedError } from "../../errors.js";
import type { AuditEventType } from "../../generated/prisma/enums.js";
import { actorFields } from "../audit/recorder.js";
import type { Viewer } from "../sessions/session.js";

/** Verifies against the stored hash (the dummy hash's work when the account has none). */
export async function passwordMatches(app: App, userId: string, password: string): Promise<boolean> {
  const row = await app.db.prisma.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return row?.passwordHash ? app.passwords.verify(row.passwordHash, password) : app.passwords.verifyDummy(password);
}

/**
 * Throws RateLimitedError while the windows are spent, InvalidCredentialsError (after recording
 * `failedEvent`) for a wrong password; a right one releases the reservation.
 */
export async function confirmPassword(app: App, viewer: Viewer, password: string, failedEvent: AuditEventType, request: RequestMeta): Promise<void> {
  const wait = await app.loginLimiter.reserve(viewer.user.email, request.ip);
  if (wait > 0) throw new RateLimitedError(wait);
  if (!(await passwordMatches(app, viewer.user.id, password))) {
    await app.db.prisma.$transaction((tx) =>
      app.audit.record(tx, { type: failedEvent, ...actorFields(viewer), subjectUserId: viewer.user.id, metadata: { reason: "invalid_credentials" } }, request),
    );
    throw new InvalidCredentialsError();
  }
  await app.loginLimiter.release(viewer.user.email, request.ip);
}
