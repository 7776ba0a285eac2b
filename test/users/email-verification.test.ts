// Email verification: the message sent on sign-up and on request, verifyEmail with the token from it,
// and REQUIRE_VERIFIED_EMAIL (no session until verified; sign-up answers the same for a taken address).
import { describe, expect } from "vitest";
import { mailTest } from "../helpers/fixture.js";
import { A, awaitMail, settleMail } from "../helpers/account-ops.js";
import { Q, auditTypes, lastAuditId, mutate, signIn } from "../helpers/session-ops.js";
import { tokenIn } from "../helpers/smtp.js";

const test = mailTest();
const required = mailTest({ REQUIRE_VERIFIED_EMAIL: "true", LOCKOUT_AFTER_FAILURES: "3" });
const PASSWORD = "a-long-enough-password";
const VERIFIED_AT = "{ viewer { user { emailVerifiedAt } } }";

describe("verifyEmail", () => {
  test("the sign-up message's token verifies the address, once", async ({ t, smtp }) => {
    const email = `verify-${Date.now()}@example.com`;
    const up = await mutate(t, Q.signUp, { input: { email, password: PASSWORD } });
    expect((await t.gql<{ viewer: { user: { emailVerifiedAt: string | null } } }>(VERIFIED_AT, {}, { token: up.token ?? null })).data?.viewer.user.emailVerifiedAt).toBeNull();
    const token = tokenIn(await awaitMail(smtp, email));
    const since = await lastAuditId(t);
    const r = await mutate(t, A.verifyEmail, { token });
    expect(r).toMatchObject({ __typename: "EmailVerified", email });
    // The cached viewer sees it at once.
    const v = await t.gql<{ viewer: { user: { emailVerifiedAt: string | null } } }>(VERIFIED_AT, {}, { token: up.token ?? null });
    expect(v.data?.viewer.user.emailVerifiedAt).toBe((r as { emailVerifiedAt?: string }).emailVerifiedAt);
    expect(await auditTypes(t, since)).toEqual(["EMAIL_VERIFIED"]);
    expect(await mutate(t, A.verifyEmail, { token })).toMatchObject({ __typename: "InvalidTokenError", code: "INVALID_TOKEN" });
  });

  test("requestEmailVerification answers the same for unverified, verified and unknown addresses; only the first gets a message", async ({ t, smtp }) => {
    const unverified = await t.signInAs({});
    const verified = await t.signInAs({});
    await t.db.user.update({ where: { id: verified.userId }, data: { emailVerifiedAt: new Date() } });
    const unknown = `nobody-${Date.now()}@example.com`;
    const answers = await Promise.all([unverified.email, verified.email, unknown].map((email) => t.gql(A.requestVerification, { email })));
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    await settleMail(t);
    expect(smtp.inbox(unverified.email)).toHaveLength(1);
    expect(smtp.inbox(verified.email)).toHaveLength(0);
    expect(smtp.inbox(unknown)).toHaveLength(0);
    expect((await mutate(t, A.verifyEmail, { token: tokenIn(smtp.inbox(unverified.email)[0]) })).__typename).toBe("EmailVerified");
  });

  test("over the per-address limit it answers RateLimitedError, queues nothing and sends no further message", async ({ t, smtp }) => {
    const u = await t.signInAs({});
    const other = await t.signInAs({});
    // ACCOUNT_MAIL_MAX_PER_ADDRESS is 3 by default: three messages, then the window is full.
    for (let i = 1; i <= 3; i++) {
      expect((await mutate(t, A.requestVerification, { email: u.email })).__typename).toBe("CheckInbox");
      await awaitMail(smtp, u.email, i);
    }
    await settleMail(t);
    const since = await lastAuditId(t);
    const refused = await mutate(t, A.requestVerification, { email: u.email });
    expect(refused).toMatchObject({ __typename: "RateLimitedError", code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) });
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(await t.db.mailOutbox.count()).toBe(0);
    const events = await t.db.auditEvent.findMany({ where: { id: { gt: since } }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.type, e.metadata])).toEqual([
      ["ACCOUNT_MAIL_RATE_LIMITED", { purpose: "VERIFY_EMAIL", email: u.email, retryAfterSeconds: refused.retryAfterSeconds }],
    ]);
    // Another address has a window of its own.
    expect((await mutate(t, A.requestVerification, { email: other.email })).__typename).toBe("CheckInbox");
    await awaitMail(smtp, other.email);
    await settleMail(t);
    expect(smtp.inbox(u.email)).toHaveLength(3);
  });

  test("a token for an address the account no longer has, or past its lifetime, is refused", async ({ t, smtp, admin }) => {
    const u = await t.signInAs({});
    await mutate(t, A.requestVerification, { email: u.email });
    const stale = tokenIn(await awaitMail(smtp, u.email));
    // An admin changes the address: the old token proves nothing about the new one.
    await t.gql(`mutation($id: ID!) { updateUser(id: $id, input: { email: "moved-${u.userId}@example.com" }) { __typename } }`, { id: u.userGid }, { token: admin.token });
    expect((await mutate(t, A.verifyEmail, { token: stale })).__typename).toBe("InvalidTokenError");

    const v = await t.signInAs({});
    await mutate(t, A.requestVerification, { email: v.email });
    const late = tokenIn(await awaitMail(smtp, v.email));
    t.clock.advance(25 * 3600_000);
    try {
      expect((await mutate(t, A.verifyEmail, { token: late })).__typename).toBe("InvalidTokenError");
    } finally {
      t.clock.advance(-25 * 3600_000);
    }
    expect((await t.db.user.findUniqueOrThrow({ where: { id: v.userId } })).emailVerifiedAt).toBeNull();
  });
});

describe("REQUIRE_VERIFIED_EMAIL", () => {
  required("sign-up answers a new and a taken address identically; the new one gets a link, the owner of the taken one a notice", async ({ t, smtp }) => {
    const fresh = `fresh-${Date.now()}@example.com`;
    // An existing account, set up through an instance that lets it sign in.
    const taken = await (await t.sibling({ REQUIRE_VERIFIED_EMAIL: "false" })).signInAs({});
    const since = await lastAuditId(t);
    const a = await t.gql(Q.signUp, { input: { email: fresh, password: PASSWORD } });
    const b = await t.gql(Q.signUp, { input: { email: taken.email, password: PASSWORD } });
    expect(a).toEqual(b);
    expect(a.data).toEqual({ signUp: { __typename: "EmailNotVerifiedError", code: "EMAIL_NOT_VERIFIED", message: expect.stringMatching(/inbox/) } });
    await settleMail(t);
    expect(smtp.inbox(fresh).map((m) => m.subject)).toEqual(["Confirm your email address"]);
    expect(smtp.inbox(taken.email).map((m) => m.subject)).toEqual(["Someone tried to sign up with your address"]);
    // No session was created for either; the taken account kept its password.
    expect(await t.db.session.count({ where: { user: { email: fresh } } })).toBe(0);
    expect((await signIn(t, taken.email, PASSWORD)).__typename).toBe("InvalidCredentialsError");
    const types = await auditTypes(t, since);
    expect(types.filter((x) => x.startsWith("SIGN_UP"))).toEqual(["SIGN_UP", "SIGN_UP_DUPLICATE"]);
  });

  required("an unverified account gets no session with the right password, is never locked by it, and signs in once verified", async ({ t, smtp }) => {
    const email = `gate-${Date.now()}@example.com`;
    await mutate(t, Q.signUp, { input: { email, password: PASSWORD } });
    const token = tokenIn(await awaitMail(smtp, email));
    expect((await signIn(t, email, "wrong-password")).__typename).toBe("InvalidCredentialsError");
    // More right-password attempts than the lockout threshold: each refused, none locking.
    for (let i = 0; i < 4; i++) expect(await signIn(t, email, PASSWORD)).toMatchObject({ __typename: "EmailNotVerifiedError", code: "EMAIL_NOT_VERIFIED" });
    expect(await t.db.session.count({ where: { user: { email } } })).toBe(0);
    expect((await mutate(t, A.verifyEmail, { token })).__typename).toBe("EmailVerified");
    expect((await signIn(t, email, PASSWORD)).__typename).toBe("SignInSuccess");
  });

  required("a password reset through the mailbox verifies the address too", async ({ t, smtp }) => {
    const email = `reset-verifies-${Date.now()}@example.com`;
    await mutate(t, Q.signUp, { input: { email, password: PASSWORD } });
    await awaitMail(smtp, email);
    await mutate(t, A.requestReset, { email });
    const token = tokenIn(await awaitMail(smtp, email, 2));
    expect((await mutate(t, A.resetPassword, { input: { token, newPassword: "a-fresh-long-password" } })).__typename).toBe("ResetPasswordSuccess");
    expect((await signIn(t, email, "a-fresh-long-password")).__typename).toBe("SignInSuccess");
  });
});
