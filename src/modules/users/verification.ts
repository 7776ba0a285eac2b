// Email verification: a message on sign-up and on request, `verifyEmail(token)`, and the
// REQUIRE_VERIFIED_EMAIL rule at sign-in. We chose refusing unverified accounts at sign-in (after the
// right password, so it reveals nothing to a guesser) over a restricted session: a session that
// works for some operations only would need every scope to know about it.
import type { App, RequestMeta } from "../../app.js";
import { EmailNotVerifiedError, InvalidTokenError } from "../../errors.js";
import type { AccountTokenPurpose } from "../../generated/prisma/enums.js";
import { requestByAddress } from "./account-mail.js";
import type { CheckInbox } from "./account-mail.js";
import { consumeOutstandingTokens, consumeToken, findUsableToken } from "./account-tokens.js";
import type { AccountTokenRecord } from "./account-tokens.js";
import { invalidateUser } from "./admin.js";
import { lockUser } from "./user.js";

export function requestEmailVerification(app: App, input: { email: string }, request: RequestMeta): Promise<CheckInbox> {
  return requestByAddress(app, { kind: "verify_email", purpose: "VERIFY_EMAIL", event: "EMAIL_VERIFICATION_REQUESTED" }, input, request);
}

/** A refused token: recorded (with its account when the token named a real one), then InvalidTokenError. */
export async function rejectToken(app: App, purpose: AccountTokenPurpose, reason: string, record: AccountTokenRecord | null, request: RequestMeta): Promise<never> {
  await app.db.prisma.$transaction((tx) =>
    app.audit.record(tx, { type: "ACCOUNT_TOKEN_REJECTED", subjectUserId: record?.userId ?? null, metadata: { purpose, reason } }, request),
  );
  throw new InvalidTokenError();
}

export interface EmailVerified {
  email: string;
  emailVerifiedAt: Date;
}

export async function verifyEmail(app: App, token: string, request: RequestMeta): Promise<EmailVerified> {
  const now = app.clock.now();
  const record = await findUsableToken(app.db.prisma, "VERIFY_EMAIL", token, now);
  if (!record) return rejectToken(app, "VERIFY_EMAIL", "unusable", null, request);
  const result = await app.db.prisma.$transaction(async (tx) => {
    const user = await lockUser(tx, record.userId);
    // The address changed since the message was sent: it proves nothing about the current one.
    if (user.email !== record.email || !(await consumeToken(tx, record.id, now))) return null;
    await consumeOutstandingTokens(tx, user.id, now, ["VERIFY_EMAIL"]);
    const verifiedAt = user.emailVerifiedAt ?? now;
    await tx.user.update({ where: { id: user.id }, data: { emailVerifiedAt: verifiedAt } });
    await app.audit.record(tx, { type: "EMAIL_VERIFIED", actorUserId: user.id, subjectUserId: user.id, metadata: { email: user.email } }, request);
    return { email: user.email, emailVerifiedAt: verifiedAt };
  });
  if (!result) return rejectToken(app, "VERIFY_EMAIL", "superseded", record, request);
  await invalidateUser(app, record.userId, []);
  return result;
}

/**
 * Sign-in's REQUIRE_VERIFIED_EMAIL rule, called once the password proved right: an unverified account
 * gets no session. The attempt counted as a failure up front; with the right password it must not
 * lock the owner out, so the count is cleared (and the windows given back) as a success would.
 */
export async function refuseUnverifiedEmail(app: App, userId: string, email: string, clearLockout: boolean, request: RequestMeta): Promise<void> {
  if (!app.config.REQUIRE_VERIFIED_EMAIL) return;
  const user = await app.db.prisma.user.findUnique({ where: { id: userId }, select: { emailVerifiedAt: true } });
  if (!user || user.emailVerifiedAt) return;
  await app.db.prisma.$transaction(async (tx) => {
    if (clearLockout) await tx.user.update({ where: { id: userId }, data: { failedLoginCount: 0, lockedUntil: null } });
    await app.audit.record(tx, { type: "SIGN_IN_FAILED", subjectUserId: userId, metadata: { reason: "email_not_verified" } }, request);
  });
  await Promise.all([app.loginLimiter.release(email, request.ip), invalidateUser(app, userId, [])]);
  throw new EmailNotVerifiedError();
}
