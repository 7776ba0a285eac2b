// Sign-in. Unknown email and wrong password take the same path, the same time (a dummy hash is
// verified) and return the same error: no account enumeration.
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { invalidate } from "../../cache/invalidation.js";
import { keys } from "../../cache/keys.js";
import { AccountLockedError, InvalidCredentialsError, RateLimitedError } from "../../errors.js";
import { emailSchema, parseInput } from "../../validation.js";
import { createSessionInTx } from "../sessions/start.js";
import type { NewSession } from "../sessions/start.js";
import { USER_SELECT } from "../users/user.js";
import type { UserRecord } from "../users/user.js";

export interface SignInResult extends NewSession {
  user: UserRecord;
}

/** A password as typed at sign-in: any length up to the maximum (the minimum applies when it is set). */
export function enteredPassword(app: App) {
  const max = app.config.PASSWORD_MAX_LENGTH;
  return z.string().min(1, "is required").max(max, `must be at most ${max} characters`);
}

export async function signIn(app: App, input: { email: string; password: string }, request: RequestMeta): Promise<SignInResult> {
  const data = parseInput(z.object({ email: emailSchema, password: enteredPassword(app) }), input);
  const failed = (event: Parameters<App["audit"]["record"]>[1]) => app.db.prisma.$transaction((tx) => app.audit.record(tx, event, request));

  const wait = await app.loginLimiter.blockedFor(data.email, request.ip);
  if (wait > 0) {
    // Over the limit: refuse WITHOUT touching the password hash.
    await failed({ type: "SIGN_IN_RATE_LIMITED", metadata: { email: data.email, retryAfterSeconds: wait } });
    throw new RateLimitedError(wait);
  }

  const user = await app.db.prisma.user.findUnique({ where: { email: data.email }, select: { ...USER_SELECT, passwordHash: true } });
  const ok = user?.passwordHash ? await app.passwords.verify(user.passwordHash, data.password) : await app.passwords.verifyDummy(data.password);
  const now = app.clock.now();
  // Asked for every email, so an existing and an unknown one do the same work.
  const phantomLockedUntil = await app.loginLimiter.phantomLockedUntil(data.email, now);

  if (!user && phantomLockedUntil) {
    await failed({ type: "SIGN_IN_FAILED", metadata: { reason: "locked" } });
    throw new AccountLockedError(phantomLockedUntil);
  }

  if (user && (user.status === "LOCKED" || (user.lockedUntil && user.lockedUntil > now))) {
    await failed({ type: "SIGN_IN_FAILED", subjectUserId: user.id, metadata: { reason: "locked" } });
    throw new AccountLockedError(user.lockedUntil && user.lockedUntil > now ? user.lockedUntil : new Date("9999-12-31T00:00:00Z"));
  }

  if (!user || !ok || user.status !== "ACTIVE") {
    await app.loginLimiter.fail(data.email, request.ip);
    if (!user) await app.loginLimiter.phantomFail(data.email);
    await app.db.prisma.$transaction(async (tx) => {
      let lockedUntil: Date | null = null;
      if (user) {
        const updated = await tx.user.update({ where: { id: user.id }, data: { failedLoginCount: { increment: 1 } }, select: { failedLoginCount: true } });
        if (updated.failedLoginCount >= app.config.LOCKOUT_AFTER_FAILURES) {
          lockedUntil = new Date(now.getTime() + app.config.LOCKOUT_SECONDS * 1000);
          await tx.user.update({ where: { id: user.id }, data: { lockedUntil, failedLoginCount: 0 } });
        }
      }
      await app.audit.record(tx, { type: "SIGN_IN_FAILED", subjectUserId: user?.id ?? null, metadata: { reason: "invalid_credentials" } }, request);
      if (user && lockedUntil) {
        await app.audit.record(tx, { type: "ACCOUNT_LOCKED", subjectUserId: user.id, metadata: { lockedUntil: lockedUntil.toISOString() } }, request);
      }
    });
    if (user) await invalidate(app, { keys: [keys.user(user.id)] });
    throw new InvalidCredentialsError();
  }

  const result = await app.db.prisma.$transaction(async (tx) => {
    const fresh = await tx.user.update({ where: { id: user.id }, data: { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now }, select: USER_SELECT });
    const created = await createSessionInTx(app, tx, user.id, request);
    await app.audit.record(tx, { type: "SIGN_IN_SUCCEEDED", actorUserId: user.id, subjectUserId: user.id, sessionId: created.session.id }, request);
    return { ...created, user: fresh };
  });
  // Only a committed sign-in resets the account counter.
  await app.loginLimiter.succeed(data.email);
  await invalidate(app, { keys: [keys.user(user.id)] });
  return result;
}
