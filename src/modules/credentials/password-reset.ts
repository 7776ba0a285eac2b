// Password reset. The request answers the same for known and unknown addresses (account-mail.ts: no
// account is looked up before the response). The reset itself takes a single-use token (15-60 min),
// consumes every other outstanding reset token of the account, revokes all its sessions and clears
// its lockout, in one transaction with its audit event.
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { keys } from "../../cache/keys.js";
import { invalidate } from "../../cache/invalidation.js";
import { parseInput, passwordSchema, perConfig } from "../../validation.js";
import { invalidateSessions, revokeSessionsInTx } from "../sessions/revoke.js";
import { requestByAddress } from "../users/account-mail.js";
import type { CheckInbox } from "../users/account-mail.js";
import { consumeOutstandingTokens, consumeToken, findUsableToken } from "../users/account-tokens.js";
import { lockUser } from "../users/user.js";
import { rejectToken } from "../users/verification.js";

const newPasswordInput = perConfig((config) => z.object({ newPassword: passwordSchema(config) }));

export function requestPasswordReset(app: App, input: { email: string }, request: RequestMeta): Promise<CheckInbox> {
  return requestByAddress(app, { kind: "password_reset", purpose: "RESET_PASSWORD", event: "PASSWORD_RESET_REQUESTED" }, input, request);
}

/** Returns how many sessions were revoked. */
export async function resetPassword(app: App, input: { token: string; newPassword: string }, request: RequestMeta): Promise<number> {
  const { newPassword } = parseInput(newPasswordInput(app.config), { newPassword: input.newPassword });
  const now = app.clock.now();
  const record = await findUsableToken(app.db.prisma, "RESET_PASSWORD", input.token, now);
  if (!record) return rejectToken(app, "RESET_PASSWORD", "unusable", null, request);
  const passwordHash = await app.passwords.hash(newPassword);
  const outcome = await app.db.prisma.$transaction(async (tx) => {
    const user = await lockUser(tx, record.userId);
    // Mailed to an address the account no longer has, or to an account that may not sign in now.
    if (user.email !== record.email || user.status !== "ACTIVE" || !(await consumeToken(tx, record.id, now))) return null;
    await consumeOutstandingTokens(tx, user.id, now, ["RESET_PASSWORD"]);
    // The token came through the account's mailbox: that verifies the address too.
    await tx.user.update({
      where: { id: user.id },
      data: { passwordHash, failedLoginCount: 0, lockedUntil: null, emailVerifiedAt: user.emailVerifiedAt ?? now },
    });
    const revocation = await revokeSessionsInTx(app, tx, { userId: user.id }, "password_reset", (innerTx, ids) =>
      app.audit.record(innerTx, { type: "PASSWORD_RESET_COMPLETED", subjectUserId: user.id, metadata: { revokedSessions: ids.length } }, request),
    );
    return { email: user.email, revocation };
  });
  if (!outcome) return rejectToken(app, "RESET_PASSWORD", "superseded", record, request);
  await Promise.all([
    invalidateSessions(app, outcome.revocation),
    invalidate(app, { tombstones: [keys.user(record.userId)] }),
    // The account's sign-in window starts over, as after a successful sign-in.
    app.loginLimiter.release(outcome.email, null),
  ]);
  return outcome.revocation.revoked.length;
}
