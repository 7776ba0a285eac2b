// Self-service sign-up: the account, its `member` role, a first session and the SIGN_UP event in one
// transaction. Each sign-up (alias and batch members included: this runs once per field) is reserved
// against the address and global windows before anything is hashed or looked up.
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { RateLimitedError, SignUpDisabledError, conflictOnDuplicate } from "../../errors.js";
import { emailSchema, nameSchema, parseInput, passwordSchema } from "../../validation.js";
import { MEMBER_ROLE_KEY } from "../rbac/catalogue.js";
import { createSessionInTx } from "../sessions/start.js";
import { USER_SELECT } from "../users/user.js";
import type { SignInResult } from "./sign-in.js";

export async function signUp(app: App, input: { email: string; password: string; name?: string | null }, request: RequestMeta): Promise<SignInResult> {
  if (!app.config.SIGNUP_ENABLED) throw new SignUpDisabledError();
  const data = parseInput(z.object({ email: emailSchema, password: passwordSchema(app.config), name: nameSchema.nullish() }), input);
  const wait = await app.loginLimiter.reserveSignUp(request.ip);
  if (wait > 0) {
    await app.db.prisma.$transaction((tx) => app.audit.record(tx, { type: "SIGN_UP_RATE_LIMITED", metadata: { retryAfterSeconds: wait } }, request));
    throw new RateLimitedError(wait);
  }
  const passwordHash = await app.passwords.hash(data.password);
  const now = app.clock.now();
  // Without email verification, a sign-up for a taken address must say so (it cannot create the
  // account); such answers cost the prober the same reservation as any sign-up.
  return conflictOnDuplicate(
    () =>
      app.db.prisma.$transaction(async (tx) => {
        const member = await tx.role.findUnique({ where: { key: MEMBER_ROLE_KEY }, select: { id: true } });
        const user = await tx.user.create({
          data: { email: data.email, name: data.name ?? "", passwordHash, lastLoginAt: now, ...(member ? { roles: { create: { roleId: member.id } } } : {}) },
          select: USER_SELECT,
        });
        const created = await createSessionInTx(app, tx, user.id, request);
        await app.audit.record(tx, { type: "SIGN_UP", actorUserId: user.id, subjectUserId: user.id, sessionId: created.session.id }, request);
        return { ...created, user };
      }),
    "An account with this email already exists.",
  );
}
