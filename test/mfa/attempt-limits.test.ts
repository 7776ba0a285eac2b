// Second-factor attempts count like password attempts: reserved before the check, wrong passwords and
// wrong codes add up to one lockout, a locked account's right code is refused, and the windows of the
// login limiter apply to completeSignIn.
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import { M, enableTotp, nextTotpCode, passwordStep, run } from "../helpers/mfa.js";
import { auditTypes, lastAuditId } from "../helpers/session-ops.js";

const test = instanceTest({ env: { LOCKOUT_AFTER_FAILURES: "5", LOGIN_MAX_FAILURES_PER_ACCOUNT: "50" } });
const wrongCode = (right: string): string => (right === "000000" ? "111111" : "000000");

describe("lockout across password and second-factor failures", () => {
  test("two wrong passwords, a right one, two wrong codes: locked; the right code and the right password are then refused", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    const sessions = await t.db.session.count({ where: { userId: member.userId } });
    for (let i = 0; i < 2; i++) expect((await run(t, M.signIn, { input: { email: member.email, password: "not-the-password" } })).code).toBe("INVALID_CREDENTIALS");
    // The right password is counted too until its second factor is met.
    const { challengeToken } = await passwordStep(t, member);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: member.userId } })).failedLoginCount).toBe(3);
    expect((await run(t, M.completeSignIn, { input: { challengeToken, totp: wrongCode(nextTotpCode(t, secret)) } })).code).toBe("INVALID_SECOND_FACTOR");
    const since = await lastAuditId(t);
    expect((await run(t, M.completeSignIn, { input: { challengeToken, totp: wrongCode(nextTotpCode(t, secret)) } })).code).toBe("INVALID_SECOND_FACTOR");
    expect(await auditTypes(t, since)).toEqual(["MFA_FAILED", "ACCOUNT_LOCKED"]);

    const locked = await run(t, M.completeSignIn, { input: { challengeToken, totp: nextTotpCode(t, secret) } });
    expect(locked.code).toBe("ACCOUNT_LOCKED");
    expect((await run(t, M.signIn, { input: { email: member.email, password: member.password } })).code).toBe("ACCOUNT_LOCKED");
    expect(await t.db.session.count({ where: { userId: member.userId } })).toBe(sessions);
  });

  test("a success clears the count: password + code, then the next sign-in starts from zero", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    await run(t, M.signIn, { input: { email: member.email, password: "not-the-password" } });
    const { challengeToken } = await passwordStep(t, member);
    expect((await run(t, M.completeSignIn, { input: { challengeToken, totp: nextTotpCode(t, secret) } })).__typename).toBe("SignInSuccess");
    expect((await t.db.user.findUniqueOrThrow({ where: { id: member.userId } })).failedLoginCount).toBe(0);
  });
});

const limited = instanceTest({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: "3", LOCKOUT_AFTER_FAILURES: "100" } });

describe("attempt windows", () => {
  limited("completeSignIn is reserved in the account window: over it, RateLimitedError without checking the code", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    const { challengeToken } = await passwordStep(t, member);
    expect((await run(t, M.completeSignIn, { input: { challengeToken, totp: wrongCode(nextTotpCode(t, secret)) } })).code).toBe("INVALID_SECOND_FACTOR");
    expect((await run(t, M.completeSignIn, { input: { challengeToken, totp: wrongCode(nextTotpCode(t, secret)) } })).code).toBe("INVALID_SECOND_FACTOR");
    const code = nextTotpCode(t, secret);
    expect((await run(t, M.completeSignIn, { input: { challengeToken, totp: code } })).code).toBe("RATE_LIMITED");
    // Not checked, so not used up: the code's step is still open.
    expect((await t.db.totpFactor.findUniqueOrThrow({ where: { userId: member.userId } })).lastUsedStep).not.toBe(Math.floor(t.clock.now().getTime() / 30_000));
  });
});
