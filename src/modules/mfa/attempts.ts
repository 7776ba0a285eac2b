// Every second-factor attempt is reserved like a password attempt, before anything is checked: the
// login limiter's address and account windows, then the account lockout (or the known source's own
// count, as at sign-in). So wrong passwords and wrong codes add up to one lockout, and a stolen
// session cannot guess codes faster than a stranger can guess passwords.
import type { App, RequestMeta } from "../../app.js";
import { invalidate } from "../../cache/invalidation.js";
import { keys } from "../../cache/keys.js";
import { AccountLockedError, RateLimitedError } from "../../errors.js";

export interface AttemptUser {
  id: string;
  email: string;
}

export interface Attempt {
  /** Counted against a source that signed in to the account recently (its own counter). */
  knownSource: boolean;
  /** This attempt, if it fails, is the one that locks the account. */
  locksOnFailure: boolean;
}

/** Throws RateLimitedError or AccountLockedError (nothing was checked); otherwise the attempt is counted as a failure until `succeeded`. */
export async function reserveAttempt(app: App, user: AttemptUser, request: RequestMeta): Promise<Attempt> {
  const wait = await app.loginLimiter.reserve(user.email, request.ip);
  if (wait > 0) throw new RateLimitedError(wait);
  const now = app.clock.now();
  const known = await app.lockout.reserveKnownSource(user, request.ip, now);
  const reservation = known ?? (await app.lockout.reserveAccount(user.id, now));
  if (reservation.locked) throw new AccountLockedError(reservation.lockedUntil);
  return { knownSource: known !== null, locksOnFailure: reservation.locksOnFailure };
}

/**
 * After a verified factor outside sign-in (step-up, disabling a factor): the windows are given back
 * and the account's count is cleared, as a successful sign-in does. Sign-in does this in its own
 * transaction.
 */
export async function attemptSucceeded(app: App, user: AttemptUser, attempt: Attempt, request: RequestMeta): Promise<void> {
  if (!attempt.knownSource) {
    await app.db.prisma.user.update({ where: { id: user.id }, data: { failedLoginCount: 0, lockedUntil: null } });
    await invalidate(app, { keys: [keys.user(user.id)] });
  }
  await app.loginLimiter.release(user.email, request.ip);
}

/** The lockout time a failed attempt just set, for the ACCOUNT_LOCKED event. */
export async function lockedUntilOf(app: App, userId: string): Promise<string | null> {
  const row = await app.db.prisma.user.findUnique({ where: { id: userId }, select: { lockedUntil: true } });
  return row?.lockedUntil?.toISOString() ?? null;
}
