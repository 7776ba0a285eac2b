// Self-service sign-up. Each sign-up (alias and batch members included: this runs once per field) is
// reserved against the address and global windows before anything is hashed or looked up.
//
// Without REQUIRE_VERIFIED_EMAIL: the account, its `member` role, a first session, a verification
// message and the SIGN_UP event in one transaction; a taken address is a ConflictError (it cannot
// pretend to have created an account it then signs you in to).
// With REQUIRE_VERIFIED_EMAIL: no session, and the same answer for a new and a taken address
// (EmailNotVerifiedError, "check your inbox"): a new account gets the verification message, the
// owner of a taken address a notice, both queued in the one transaction the request makes.
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { EmailNotVerifiedError, RateLimitedError, SignUpDisabledError } from "../../errors.js";
import { conflictOnDuplicate } from "../../db/conflicts.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { emailSchema, nameSchema, parseInput, passwordSchema, perConfig } from "../../validation.js";
import { MEMBER_ROLE_KEY } from "../rbac/catalogue.js";
import { createSessionInTx } from "../sessions/start.js";
import { USER_SELECT } from "../users/user.js";
import type { SignInResult } from "./sign-in.js";

type Tx = Prisma.TransactionClient;

interface NewAccount {
  email: string;
  name: string;
  passwordHash: string;
}

const CHECK_INBOX = "Check your inbox: confirm your address with the link we sent, then sign in.";

const signUpInput = perConfig((config) => z.object({ email: emailSchema, password: passwordSchema(config), name: nameSchema.nullish() }));

export async function signUp(app: App, input: { email: string; password: string; name?: string | null }, request: RequestMeta): Promise<SignInResult> {
  if (!app.config.SIGNUP_ENABLED) throw new SignUpDisabledError();
  const data = parseInput(signUpInput(app.config), input);
  const wait = await app.loginLimiter.reserveSignUp(request.ip);
  if (wait > 0) {
    await app.db.prisma.$transaction((tx) => app.audit.record(tx, { type: "SIGN_UP_RATE_LIMITED", metadata: { retryAfterSeconds: wait } }, request));
    throw new RateLimitedError(wait);
  }
  const account = { email: data.email, name: data.name ?? "", passwordHash: await app.passwords.hash(data.password) };
  if (app.config.REQUIRE_VERIFIED_EMAIL) {
    await app.db.prisma.$transaction((tx) => createOrNotify(app, tx, account, request));
    app.mail.kick();
    throw new EmailNotVerifiedError(CHECK_INBOX);
  }
  const result = await conflictOnDuplicate(
    () =>
      app.db.prisma.$transaction(async (tx) => {
        const now = app.clock.now();
        const user = await tx.user.create({ data: { ...account, lastLoginAt: now, ...(await memberRole(tx)) }, select: USER_SELECT });
        const created = await createSessionInTx(app, tx, user.id, request);
        if (app.config.MAIL_ENABLED) await app.mail.enqueue(tx, { kind: "verify_email", to: user.email, userId: user.id });
        await app.audit.record(tx, { type: "SIGN_UP", actorUserId: user.id, subjectUserId: user.id, sessionId: created.session.id }, request);
        return { ...created, user };
      }),
    "An account with this email already exists.",
  );
  app.mail.kick();
  return result;
}

async function memberRole(tx: Tx): Promise<{ roles?: { create: { roleId: string } } }> {
  const member = await tx.role.findUnique({ where: { key: MEMBER_ROLE_KEY }, select: { id: true } });
  return member ? { roles: { create: { roleId: member.id } } } : {};
}

/** One transaction either way: the new account and its verification message, or a notice to the owner. */
async function createOrNotify(app: App, tx: Tx, account: NewAccount, request: RequestMeta): Promise<void> {
  // ON CONFLICT DO NOTHING: a taken address must not abort the transaction (nor answer differently).
  const now = app.clock.now();
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
    VALUES (gen_random_uuid(), ${account.email}, ${account.name}, ${account.passwordHash}, ${now}, ${now})
    ON CONFLICT (email) DO NOTHING
    RETURNING id::text AS id`;
  const created = inserted[0];
  if (created) {
    const member = await memberRole(tx);
    if (member.roles) await tx.userRole.create({ data: { userId: created.id, roleId: member.roles.create.roleId } });
    await app.mail.enqueue(tx, { kind: "verify_email", to: account.email, userId: created.id });
    await app.audit.record(tx, { type: "SIGN_UP", actorUserId: created.id, subjectUserId: created.id }, request);
    return;
  }
  const owner = await tx.user.findUniqueOrThrow({ where: { email: account.email }, select: { id: true } });
  await app.mail.enqueue(tx, { kind: "sign_up_existing", to: account.email, userId: owner.id });
  await app.audit.record(tx, { type: "SIGN_UP_DUPLICATE", subjectUserId: owner.id }, request);
}
