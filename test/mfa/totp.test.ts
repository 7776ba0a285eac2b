// TOTP: enrolment (secret, otpauth URI, SVG QR code, sealed at rest), confirmation with recovery codes,
// sign-in with a second step, the ±1 step window on the App's clock, replay protection, recovery
// codes used once, disabling with password and code, and what the steps record (audit) and count (metrics).
import { Secret, TOTP } from "otpauth";
import { describe, expect } from "vitest";
import { createSecretBox } from "../../src/modules/mfa/secret-box.js";
import { metricsOf } from "../../src/observability/metrics.js";
import { test } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { M, enableTotp, nextTotpCode, passwordStep, run, totpCode } from "../helpers/mfa.js";
import { auditTypes, lastAuditId, viewer } from "../helpers/session-ops.js";

/** What each audit event after `since` says: its type, actor, subject, session and metadata. */
async function eventsSince(t: TestInstance, since: bigint) {
  return t.db.auditEvent.findMany({
    where: { id: { gt: since } },
    orderBy: { id: "asc" },
    select: { type: true, actorUserId: true, subjectUserId: true, sessionId: true, metadata: true },
  });
}

describe("enrolment", () => {
  test("enrollTotp answers a base32 secret, its otpauth:// URI and an SVG QR code; the stored secret is sealed", async ({ t, member }) => {
    const since = await lastAuditId(t);
    const r = await run(t, M.enrollTotp, {}, member.token);
    expect(r.__typename).toBe("TotpEnrollment");
    // Recorded by the member's own session; the secret never reaches the audit log.
    expect(await eventsSince(t, since)).toEqual([
      { type: "MFA_TOTP_ENROLMENT_STARTED", actorUserId: member.userId, subjectUserId: member.userId, sessionId: member.sessionId, metadata: null },
    ]);
    expect(r.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(r.uri ?? "");
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(r.secret);
    expect(uri.searchParams.get("issuer")).toBe("authgraph");
    expect(decodeURIComponent(uri.pathname)).toContain(member.email);
    expect(r.qrCodeSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    const row = await t.db.totpFactor.findUniqueOrThrow({ where: { userId: member.userId } });
    expect(row.confirmedAt).toBeNull();
    expect(row.secret).not.toContain(r.secret);
    expect(row.secret).toMatch(/^v1\.[0-9a-f]{8}\./);
    const box = createSecretBox(t.app.config);
    expect(box?.decrypt(row.secret, member.userId)).toBe(r.secret);
    // Sealed for this user only: the same ciphertext on another row does not open.
    expect(box?.decrypt(row.secret, (await t.signInAs({})).userId)).toBeNull();
  });

  test("confirmTotp: a wrong code is INVALID_SECOND_FACTOR and enables nothing; the right one answers 10 distinct recovery codes", async ({ t, member }) => {
    const { secret } = (await run(t, M.enrollTotp, {}, member.token)) as { secret: string };
    const wrong = String((Number(totpCode(t, secret)) + 1) % 1_000_000).padStart(6, "0");
    expect((await run(t, M.confirmTotp, { code: wrong }, member.token)).code).toBe("INVALID_SECOND_FACTOR");
    expect((await t.db.totpFactor.findUniqueOrThrow({ where: { userId: member.userId } })).confirmedAt).toBeNull();
    expect((await run(t, M.confirmTotp, { code: "12345" }, member.token)).__typename).toBe("ValidationError");

    const since = await lastAuditId(t);
    const ok = await run(t, M.confirmTotp, { code: totpCode(t, secret) }, member.token);
    expect(ok.recoveryCodes).toHaveLength(10);
    expect(new Set(ok.recoveryCodes).size).toBe(10);
    for (const code of ok.recoveryCodes ?? []) expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    // Only hashes are kept.
    const stored = await t.db.recoveryCode.findMany({ where: { userId: member.userId } });
    expect(stored).toHaveLength(10);
    for (const s of stored) expect(ok.recoveryCodes).not.toContain(s.codeHash);
    expect(await auditTypes(t, since)).toEqual(["MFA_TOTP_ENABLED", "MFA_RECOVERY_CODES_GENERATED", "MFA_VERIFIED"]);
    // The confirming session proved the factor.
    const v = await t.gql<{ viewer: { session: { authMethods: string[]; mfaAt: string | null } } }>(M.factors, {}, { token: member.token });
    expect(v.data?.viewer.session).toMatchObject({ authMethods: ["PASSWORD", "TOTP"] });
    expect(v.data?.viewer.session.mfaAt).not.toBeNull();
    // Enrolling again while enabled is refused.
    expect((await run(t, M.enrollTotp, {}, member.token)).code).toBe("CONFLICT");
  });
});

describe("sign-in with TOTP", () => {
  test("signIn answers MfaRequired (no session); completeSignIn with the code issues a session recording password + totp", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    const sessionsBefore = await t.db.session.count({ where: { userId: member.userId } });
    const issued = await lastAuditId(t);
    const challenge = await passwordStep(t, member);
    expect(challenge.methods).toEqual(["TOTP", "RECOVERY_CODE"]);
    // The password step records the challenge it issued (no session, so no actor yet) and what can answer it.
    expect(await eventsSince(t, issued)).toEqual([
      { type: "MFA_CHALLENGE_ISSUED", actorUserId: null, subjectUserId: member.userId, sessionId: null, metadata: { purpose: "sign_in", methods: ["totp", "recovery_code"] } },
    ]);
    expect(challenge.passkeyOptions).toBeNull();
    expect(challenge.challengeToken).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(await t.db.session.count({ where: { userId: member.userId } })).toBe(sessionsBefore);

    const since = await lastAuditId(t);
    const done = await run(t, M.completeSignIn, { input: { challengeToken: challenge.challengeToken, totp: nextTotpCode(t, secret) } });
    expect(done.__typename).toBe("SignInSuccess");
    expect(done.session?.authMethods).toEqual(["PASSWORD", "TOTP"]);
    expect(done.session?.mfaAt).not.toBeNull();
    expect((await viewer(t, done.token ?? null))?.user.id).toBe(member.userGid);
    expect(await auditTypes(t, since)).toEqual(["MFA_VERIFIED", "SIGN_IN_SUCCEEDED"]);
  });

  test("a code is accepted within one step either side of the clock, not two", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    for (const steps of [-1, 1]) {
      t.clock.advance(90_000); // clear of every step used so far
      const { challengeToken } = await passwordStep(t, member);
      expect((await run(t, M.completeSignIn, { input: { challengeToken, totp: totpCode(t, secret, steps) } })).__typename).toBe("SignInSuccess");
    }
    for (const steps of [-2, 2]) {
      t.clock.advance(150_000);
      const { challengeToken } = await passwordStep(t, member);
      expect((await run(t, M.completeSignIn, { input: { challengeToken, totp: totpCode(t, secret, steps) } })).code).toBe("INVALID_SECOND_FACTOR");
    }
  });

  test("replay: a code that was accepted is refused the second time, even with a fresh challenge", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    const code = nextTotpCode(t, secret);
    const first = await passwordStep(t, member);
    expect((await run(t, M.completeSignIn, { input: { challengeToken: first.challengeToken, totp: code } })).__typename).toBe("SignInSuccess");
    const second = await passwordStep(t, member);
    expect((await run(t, M.completeSignIn, { input: { challengeToken: second.challengeToken, totp: code } })).code).toBe("INVALID_SECOND_FACTOR");
    // An older step's code (still inside the window) is refused too: steps only move forward.
    expect((await run(t, M.completeSignIn, { input: { challengeToken: second.challengeToken, totp: totpCode(t, secret, -1) } })).code).toBe("INVALID_SECOND_FACTOR");
  });

  test("concurrent completions with one code and one challenge: exactly one session", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    const { challengeToken } = await passwordStep(t, member);
    const code = nextTotpCode(t, secret);
    const results = await Promise.all(Array.from({ length: 5 }, () => run(t, M.completeSignIn, { input: { challengeToken, totp: code } })));
    expect(results.filter((r) => r.__typename === "SignInSuccess")).toHaveLength(1);
  });

  test("the challenge is single-use: after a success the same token is MFA_CHALLENGE_INVALID", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    const { challengeToken } = await passwordStep(t, member);
    expect((await run(t, M.completeSignIn, { input: { challengeToken, totp: nextTotpCode(t, secret) } })).__typename).toBe("SignInSuccess");
    expect((await run(t, M.completeSignIn, { input: { challengeToken, totp: nextTotpCode(t, secret) } })).code).toBe("MFA_CHALLENGE_INVALID");
  });

  test("an expired challenge is MFA_CHALLENGE_INVALID, even with a right code", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    const { challengeToken, expiresAt } = await passwordStep(t, member);
    expect(Date.parse(expiresAt ?? "") - t.clock.now().getTime()).toBeLessThanOrEqual(300_000);
    t.clock.advance(301_000);
    expect((await run(t, M.completeSignIn, { input: { challengeToken, totp: totpCode(t, secret) } })).code).toBe("MFA_CHALLENGE_INVALID");
  });

  test("malformed, unknown and tampered tokens are MFA_CHALLENGE_INVALID; no factor or two factors are VALIDATION_FAILED", async ({ t, member }) => {
    await enableTotp(t, member);
    const { challengeToken = "" } = await passwordStep(t, member);
    const [id] = challengeToken.split(".");
    for (const token of ["nope", `${id}.${"A".repeat(43)}`, `00000000-0000-4000-8000-000000000000.${"A".repeat(43)}`]) {
      expect((await run(t, M.completeSignIn, { input: { challengeToken: token, totp: "123456" } })).code).toBe("MFA_CHALLENGE_INVALID");
    }
    expect((await run(t, M.completeSignIn, { input: { challengeToken } })).code).toBe("VALIDATION_FAILED");
    expect((await run(t, M.completeSignIn, { input: { challengeToken, totp: "123456", recoveryCode: "AAAA-AAAA-AAAA-AAAA" } })).code).toBe("VALIDATION_FAILED");
    expect((await run(t, M.completeSignIn, { input: { challengeToken, passkeyAssertion: { id: 1 } } })).code).toBe("VALIDATION_FAILED");
  });

  test("a recovery code signs in once; the second use is INVALID_SECOND_FACTOR", async ({ t, member }) => {
    const { recoveryCodes } = await enableTotp(t, member);
    const code = recoveryCodes[3] ?? "";
    const first = await passwordStep(t, member);
    // Lower case and without dashes is the same code.
    const done = await run(t, M.completeSignIn, { input: { challengeToken: first.challengeToken, recoveryCode: code.toLowerCase().replace(/-/g, "") } });
    expect(done.__typename).toBe("SignInSuccess");
    expect(done.session?.authMethods).toEqual(["PASSWORD", "RECOVERY_CODE"]);
    const second = await passwordStep(t, member);
    expect((await run(t, M.completeSignIn, { input: { challengeToken: second.challengeToken, recoveryCode: code } })).code).toBe("INVALID_SECOND_FACTOR");
    const factors = await t.gql<{ viewer: { user: { secondFactors: { recoveryCodesLeft: number } } } }>(M.factors, {}, { token: done.token ?? null });
    expect(factors.data?.viewer.user.secondFactors.recoveryCodesLeft).toBe(9);
  });
});

describe("authgraph_second_factor_total", () => {
  test("counts sign-in second factors by method and outcome: totp and recovery codes, ok and invalid", async ({ t, member }) => {
    const { secret, recoveryCodes } = await enableTotp(t, member);
    const counter = metricsOf(t.app).registry.getSingleMetric("authgraph_second_factor_total");
    const count = async (method: string, outcome: string) =>
      ((await counter?.get())?.values ?? []).find((v) => v.labels.method === method && v.labels.purpose === "sign_in" && v.labels.outcome === outcome)?.value ?? 0;
    const cells = [
      ["totp", "ok"],
      ["totp", "invalid_second_factor"],
      ["recovery_code", "ok"],
      ["recovery_code", "invalid_second_factor"],
    ] as const;
    const before = await Promise.all(cells.map(([m, o]) => count(m, o)));
    const complete = async (factor: { totp: string } | { recoveryCode: string }) => {
      const { challengeToken } = await passwordStep(t, member);
      return (await run(t, M.completeSignIn, { input: { challengeToken, ...factor } })).__typename;
    };
    const good = nextTotpCode(t, secret);
    expect(await complete({ totp: good === "000000" ? "111111" : "000000" })).toBe("InvalidSecondFactorError");
    expect(await complete({ totp: good })).toBe("SignInSuccess");
    expect(await complete({ recoveryCode: "AAAA-BBBB-CCCC-DDDD" })).toBe("InvalidSecondFactorError");
    expect(await complete({ recoveryCode: recoveryCodes[0] ?? "" })).toBe("SignInSuccess");
    const after = await Promise.all(cells.map(([m, o]) => count(m, o)));
    expect(after.map((v, i) => v - (before[i] ?? 0))).toEqual([1, 1, 1, 1]);
  });
});

describe("disableTotp", () => {
  test("needs the current password and a code; then sign-in is password-only again and the recovery codes are gone", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    const bad = await run(t, M.disableTotp, { input: { currentPassword: "wrong-password-here", code: nextTotpCode(t, secret) } }, member.token);
    expect(bad.code).toBe("INVALID_CREDENTIALS");
    expect((await run(t, M.disableTotp, { input: { currentPassword: member.password, code: "000000" } }, member.token)).code).toBe("INVALID_SECOND_FACTOR");
    const since = await lastAuditId(t);
    expect((await run(t, M.disableTotp, { input: { currentPassword: member.password, code: nextTotpCode(t, secret) } }, member.token)).__typename).toBe("DisableTotpSuccess");
    expect(await auditTypes(t, since)).toEqual(["MFA_TOTP_DISABLED"]);
    expect(await t.db.recoveryCode.count({ where: { userId: member.userId } })).toBe(0);
    expect((await run(t, M.signIn, { input: { email: member.email, password: member.password } })).__typename).toBe("SignInSuccess");
  });
});

describe("the library agrees with RFC 6238", () => {
  test("the SHA-1 test vector at T=59 s is 287082 (6 digits)", () => {
    const secret = Secret.fromLatin1("12345678901234567890");
    expect(TOTP.generate({ secret, timestamp: 59_000 })).toBe("287082");
  });
});
