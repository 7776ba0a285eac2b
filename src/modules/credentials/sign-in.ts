// Sign-up, sign-in and password change. Unknown email and wrong password take the same path, the
// same time (a dummy hash is verified) and return the same error: no account enumeration.
import { z } from "zod";
import type { App } from "../../app.js";
import { AccountLockedError, ConflictError, InvalidCredentialsError, RateLimitedError, SignUpDisabledError } from "../../errors.js";
import { record } from "../audit/append.js";
import { auditOptions } from "../audit/recorder.js";
import { TX_OPTIONS, createSessionInTx, invalidateSessions, revokeSessionsInTx } from "../sessions/lifecycle.js";
import type { NewSession } from "../sessions/lifecycle.js";
import type { RequestMeta, UserRecord, Viewer } from "../types.js";
import { USER_SELECT } from "../users/records.js";
import { emailSchema, nameSchema, parseInput, passwordSchema } from "../../validation.js";
import { MEMBER_ROLE_KEY } from "../rbac/catalogue.js";
import { invalidate } from "../../cache/invalidation.js";
import { keys } from "../../cache/keys.js";

export interface SignInResult extends NewSession {
  user: UserRecord;
}

export async function signUp(app: App, input: { email: string; password: string; name?: string | null }, request: RequestMeta): Promise<SignInResult> {
  if (!app.config.SIGNUP_ENABLED) throw new SignUpDisabledError();
  const data = parseInput(
    z.object({ email: emailSchema, password: passwordSchema(app.config), name: nameSchema.nullish() }),
    input,
  );
  const passwordHash = await app.passwords.hash(data.password);
  const now = app.clock.now();
  try {
    return await app.db.prisma.$transaction(async (tx) => {
      const member = await tx.role.findUnique({ where: { key: MEMBER_ROLE_KEY }, select: { id: true } });
      const user = await tx.user.create({
        data: {
          email: data.email,
          name: data.name ?? "",
          passwordHash,
          lastLoginAt: now,
          ...(member ? { roles: { create: { roleId: member.id } } } : {}),
        },
        select: USER_SELECT,
      });
      const created = await createSessionInTx(app, tx, user.id, request);
      await record(tx, { type: "SIGN_UP", actorUserId: user.id, subjectUserId: user.id, sessionId: created.session.id }, request, auditOptions(app), now);
      return { token: created.token, session: created.session, user };
    }, TX_OPTIONS);
  } catch (error) {
    // Unique violation on email. Sign-up necessarily reveals that an email is taken; the rate of
    // such probes is bounded by the same per-IP limiter as sign-in failures.
    if (isUniqueViolation(error)) {
      await app.loginLimiter.fail(data.email, request.ip);
      throw new ConflictError("An account with this email already exists.");
    }
    throw error;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}

export async function signIn(app: App, input: { email: string; password: string }, request: RequestMeta): Promise<SignInResult> {
  const data = parseInput(z.object({ email: emailSchema, password: z.string().min(1, "is required").max(app.config.PASSWORD_MAX_LENGTH, `must be at most ${app.config.PASSWORD_MAX_LENGTH} characters`) }), input);
  const opts = auditOptions(app);

  const wait = await app.loginLimiter.blockedFor(data.email, request.ip);
  if (wait > 0) {
    // Over the limit: refuse WITHOUT touching the password hash.
    await app.db.prisma.$transaction(
      (tx) => record(tx, { type: "SIGN_IN_RATE_LIMITED", metadata: { email: data.email, retryAfterSeconds: wait } }, request, opts, app.clock.now()),
      TX_OPTIONS,
    );
    throw new RateLimitedError(wait);
  }

  const user = await app.db.prisma.user.findUnique({ where: { email: data.email }, select: { ...USER_SELECT, passwordHash: true } });
  const ok = user?.passwordHash ? await app.passwords.verify(user.passwordHash, data.password) : await app.passwords.verifyDummy(data.password);
  const now = app.clock.now();
  // Asked for every email, so an existing and an unknown one do the same work.
  const phantomLockedUntil = await app.loginLimiter.phantomLockedUntil(data.email, now);

  if (!user && phantomLockedUntil) {
    await app.db.prisma.$transaction((tx) => record(tx, { type: "SIGN_IN_FAILED", metadata: { reason: "locked" } }, request, opts, now), TX_OPTIONS);
    throw new AccountLockedError(phantomLockedUntil);
  }

  if (user && (user.status === "LOCKED" || (user.lockedUntil && user.lockedUntil > now))) {
    await app.db.prisma.$transaction((tx) => record(tx, { type: "SIGN_IN_FAILED", subjectUserId: user.id, metadata: { reason: "locked" } }, request, opts, now), TX_OPTIONS);
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
      await record(tx, { type: "SIGN_IN_FAILED", subjectUserId: user?.id ?? null, metadata: { reason: "invalid_credentials" } }, request, opts, now);
      if (user && lockedUntil) {
        await record(tx, { type: "ACCOUNT_LOCKED", subjectUserId: user.id, metadata: { lockedUntil: lockedUntil.toISOString() } }, request, opts, now);
      }
    }, TX_OPTIONS);
    if (user) await invalidate(app, { keys: [keys.user(user.id)] });
    throw new InvalidCredentialsError();
  }

  const result = await app.db.prisma.$transaction(async (tx) => {
    const fresh = await tx.user.update({ where: { id: user.id }, data: { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now }, select: USER_SELECT });
    const created = await createSessionInTx(app, tx, user.id, request);
    await record(tx, { type: "SIGN_IN_SUCCEEDED", actorUserId: user.id, subjectUserId: user.id, sessionId: created.session.id }, request, opts, now);
    return { token: created.token, session: created.session, user: fresh };
  }, TX_OPTIONS);
  // Only a committed sign-in resets the account counter.
  await app.loginLimiter.succeed(data.email);
  await invalidate(app, { keys: [keys.user(user.id)] });
  return result;
}

/** Change the viewer's password; every other session of theirs is revoked in the same transaction. */
export async function changePassword(app: App, viewer: Viewer, input: { currentPassword: string; newPassword: string }, request: RequestMeta): Promise<number> {
  const data = parseInput(z.object({ currentPassword: z.string().min(1, "is required").max(app.config.PASSWORD_MAX_LENGTH), newPassword: passwordSchema(app.config) }), input);
  // A stolen session must not become a password oracle: wrong current passwords count against the
  // same per-account and per-IP limits as failed sign-ins.
  const wait = await app.loginLimiter.blockedFor(viewer.user.email, request.ip);
  if (wait > 0) throw new RateLimitedError(wait);
  const row = await app.db.prisma.user.findUniqueOrThrow({ where: { id: viewer.user.id }, select: { passwordHash: true } });
  const ok = row.passwordHash ? await app.passwords.verify(row.passwordHash, data.currentPassword) : await app.passwords.verifyDummy(data.currentPassword);
  if (!ok) {
    await app.loginLimiter.fail(viewer.user.email, request.ip);
    throw new InvalidCredentialsError();
  }
  const passwordHash = await app.passwords.hash(data.newPassword);
  const revocation = await app.db.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: viewer.user.id }, data: { passwordHash } });
    return revokeSessionsInTx(app, tx, { userId: viewer.user.id, id: { not: viewer.session.id } }, "password_changed", async (innerTx, ids) => {
      await record(
        innerTx,
        { type: "PASSWORD_CHANGED", actorUserId: viewer.user.id, subjectUserId: viewer.user.id, sessionId: viewer.session.id, metadata: { revokedSessions: ids.length } },
        request,
        auditOptions(app),
        app.clock.now(),
      );
    });
  }, TX_OPTIONS);
  await invalidateSessions(app, revocation.invalidate);
  return revocation.revoked.length;
}
