// The one place a sign-in succeeds, whatever proved it (a password, a password and a second factor, a
// passkey): the lockout count is cleared, the session is created recording how it was authenticated,
// SIGN_IN_SUCCEEDED is written in the same transaction, then the attempt windows are given back and
// the source is remembered. Issuing the session to the client (a token today) happens here only.
import type { App, RequestMeta } from "../../app.js";
import { invalidate } from "../../cache/invalidation.js";
import { keys } from "../../cache/keys.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { SessionAuth } from "../sessions/session.js";
import { createSessionInTx } from "../sessions/start.js";
import type { NewSession } from "../sessions/start.js";
import { USER_SELECT } from "../users/user.js";
import type { UserRecord } from "../users/user.js";

export interface SignInResult extends NewSession {
  user: UserRecord;
}

export interface SignedInUser {
  id: string;
  /** The account key of the attempt windows (the normalised email). */
  email: string;
  /** The attempt was counted against a known source: a stranger's lock on the account stays. */
  knownSource: boolean;
}

export async function finishSignIn(
  app: App,
  who: SignedInUser,
  auth: SessionAuth,
  request: RequestMeta,
  /** Runs first in the transaction (e.g. consuming the challenge that led here); throwing aborts the sign-in. */
  before?: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<SignInResult> {
  const now = app.clock.now();
  const result = await app.db.prisma.$transaction(async (tx) => {
    await before?.(tx);
    const clear = who.knownSource ? {} : { failedLoginCount: 0, lockedUntil: null };
    const fresh = await tx.user.update({ where: { id: who.id }, data: { ...clear, lastLoginAt: now }, select: USER_SELECT });
    const created = await createSessionInTx(app, tx, who.id, request, auth);
    await app.audit.record(
      tx,
      { type: "SIGN_IN_SUCCEEDED", actorUserId: who.id, subjectUserId: who.id, sessionId: created.session.id, metadata: { methods: [...auth.methods] } },
      request,
    );
    return { ...created, user: fresh };
  });
  await Promise.all([app.loginLimiter.release(who.email, request.ip), app.lockout.remember(who.id, request.ip), invalidate(app, { keys: [keys.user(who.id)] })]);
  return result;
}
