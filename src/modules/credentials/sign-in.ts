// Sign-in. Every attempt is reserved before any password is checked (address and account windows,
// then the lockout), so concurrent attempts can never get more answers than the limits allow.
// Unknown emails, accounts without a password, disabled and admin-locked accounts take the same path,
// the same time (a dummy hash is verified) and the same answer as a wrong password.
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { invalidate } from "../../cache/invalidation.js";
import { keys } from "../../cache/keys.js";
import { AccountLockedError, AppError, InvalidCredentialsError, RateLimitedError } from "../../errors.js";
import { emailSchema, enteredPasswordSchema, parseInput, perConfig } from "../../validation.js";
import type { AuditEventInput } from "../audit/append.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { UserStatus } from "../../generated/prisma/enums.js";
import { secondFactorExists } from "../mfa/factors.js";
import { secondFactorChallenge } from "../mfa/second-step.js";
import type { MfaRequired } from "../mfa/second-step.js";
import { refuseUnverifiedEmail } from "../users/verification.js";
import type { Reservation } from "./lockout.js";
import { finishSignIn } from "./signed-in.js";
import type { SignInResult } from "./signed-in.js";

export type { SignInResult };

const signInInput = perConfig((config) => z.object({ email: emailSchema, password: enteredPasswordSchema(config) }));

export async function signIn(app: App, input: { email: string; password: string }, request: RequestMeta): Promise<SignInResult | MfaRequired> {
  const data = parseInput(signInInput(app.config), input);
  const audit = (event: AuditEventInput) => app.db.prisma.$transaction((tx) => app.audit.record(tx, event, request));

  const wait = await app.loginLimiter.reserve(data.email, request.ip);
  if (wait > 0) {
    await audit({ type: "SIGN_IN_RATE_LIMITED", metadata: { email: data.email, retryAfterSeconds: wait } });
    throw new RateLimitedError(wait);
  }

  try {
    return await attempt(app, data, request, audit);
  } catch (error) {
    // An outage is not a failed attempt: without this, sign-ins during a database restart would use
    // up every account's budget and lock everyone out for the window once it is back.
    if (!(error instanceof AppError)) await app.loginLimiter.refund(data.email, request.ip);
    throw error;
  }
}

interface Credentials {
  status: UserStatus;
  passwordHash: string | null;
  /** A confirmed TOTP or a passkey: only then can a second-factor challenge be due (mfa/factors.ts). */
  hasSecondFactor: boolean;
}

// What sign-in reads of the account, in the statement that reserves the attempt against it.
const CREDENTIALS = Prisma.sql`u.status::text AS status, u.password_hash AS "passwordHash", ${secondFactorExists(Prisma.raw("u.id"))} AS "hasSecondFactor"`;

async function attempt(
  app: App,
  data: { email: string; password: string },
  request: RequestMeta,
  audit: (event: AuditEventInput) => Promise<unknown>,
): Promise<SignInResult | MfaRequired> {
  const now = app.clock.now();
  // A source the owner signed in from recently has its own count: a stranger's failures do not lock it
  // out. It is looked up by email first, so the account is read and its attempt reserved in one statement.
  const knownOwner = await app.lockout.knownSourceOf(data.email, request.ip);
  const user = await app.lockout.findAndReserve<Credentials>(data.email, knownOwner, now, CREDENTIALS);
  const known = user && !user.reservation ? await app.lockout.reserveSource(user.id, request.ip, now) : null;
  const reservation: Reservation = known ?? user?.reservation ?? (await app.lockout.reservePhantom(data.email, now));
  if (reservation.locked) {
    // Locked: refused without touching a password hash.
    await audit({ type: "SIGN_IN_FAILED", subjectUserId: user?.id ?? null, metadata: { reason: "locked" } });
    throw new AccountLockedError(reservation.lockedUntil);
  }

  const ok = user?.passwordHash ? await app.passwords.verify(user.passwordHash, data.password) : await app.passwords.verifyDummy(data.password);
  if (!user || !ok || user.status !== "ACTIVE") {
    await app.db.prisma.$transaction(async (tx) => {
      await app.audit.record(tx, { type: "SIGN_IN_FAILED", subjectUserId: user?.id ?? null, metadata: { reason: "invalid_credentials" } }, request);
      if (user && reservation.locksOnFailure && !known) {
        const locked = await tx.user.findUnique({ where: { id: user.id }, select: { lockedUntil: true } });
        await app.audit.record(tx, { type: "ACCOUNT_LOCKED", subjectUserId: user.id, metadata: { lockedUntil: locked?.lockedUntil?.toISOString() ?? null } }, request);
      }
    });
    if (user) await invalidate(app, { keys: [keys.user(user.id)] });
    throw new InvalidCredentialsError();
  }
  // REQUIRE_VERIFIED_EMAIL: no session for an unverified address (throws EmailNotVerifiedError).
  await refuseUnverifiedEmail(app, user.id, data.email, !known, request);

  // A user with a second factor is answered with a challenge; the attempt stays counted until it is met.
  const challenge = user.hasSecondFactor ? await secondFactorChallenge(app, user.id, request) : null;
  if (challenge) return challenge;
  const reservedCount = reservation.locked ? undefined : reservation.count;
  return finishSignIn(app, { id: user.id, email: data.email, knownSource: known !== null, reservedCount }, { methods: ["password"], mfaAt: null }, request);
}
