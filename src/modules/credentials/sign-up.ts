// Self-service sign-up: the account, its `member` role, a first session and the SIGN_UP event in one
// transaction.
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { SignUpDisabledError, conflictOnDuplicate } from "../../errors.js";
import { emailSchema, nameSchema, parseInput, passwordSchema } from "../../validation.js";
import { MEMBER_ROLE_KEY } from "../rbac/catalogue.js";
import { createSessionInTx } from "../sessions/start.js";
import { USER_SELECT } from "../users/user.js";
import type { SignInResult } from "./sign-in.js";

export async function signUp(app: App, input: { email: string; password: string; name?: string | null }, request: RequestMeta): Promise<SignInResult> {
  if (!app.config.SIGNUP_ENABLED) throw new SignUpDisabledError();
  const data = parseInput(z.object({ email: emailSchema, password: passwordSchema(app.config), name: nameSchema.nullish() }), input);
  const passwordHash = await app.passwords.hash(data.password);
  const now = app.clock.now();
  // Sign-up necessarily reveals that an email is taken; such probes count against the same per-IP
  // limiter as sign-in failures.
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
    () => app.loginLimiter.fail(data.email, request.ip),
  );
}
