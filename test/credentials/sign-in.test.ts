// signIn: a session for the right password; one indistinguishable InvalidCredentialsError for a wrong
// password, an unknown email or an account without a password.
import { describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createPasswordHasher } from "../../src/modules/credentials/passwords.js";
import { instanceTest } from "../helpers/fixture.js";
import { TEST_ADMIN } from "../helpers/pg.js";
import { Q, auditTypes, lastAuditId, mutate, signIn, viewer } from "../helpers/session-ops.js";

const INVALID = { __typename: "InvalidCredentialsError", code: "INVALID_CREDENTIALS", message: "Invalid email or password." };

const test = instanceTest({ env: { TRUST_PROXY: "true" } });

describe("signIn", () => {
  test("succeeds with normalised email, records IP (X-Forwarded-For under TRUST_PROXY) and user agent", async ({ t }) => {
    const since = await lastAuditId(t);
    const r = await signIn(t, `  ${TEST_ADMIN.email.toUpperCase()} `, TEST_ADMIN.password, { "x-forwarded-for": "198.51.100.23, 203.0.113.7", "user-agent": "vitest-agent/1.0" });
    expect(r.__typename).toBe("SignInSuccess");
    expect(r.user?.email).toBe(TEST_ADMIN.email);
    expect(r.session).toMatchObject({ ip: "203.0.113.7", userAgent: "vitest-agent/1.0", active: true });
    expect(await auditTypes(t, since)).toEqual(["SIGN_IN_SUCCEEDED"]);
    const v = await viewer(t, r.token ?? null);
    expect(v?.user.email).toBe(TEST_ADMIN.email);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: TEST_ADMIN.email } });
    expect(user.lastLoginAt).not.toBeNull();
  });

  test("ignores X-Forwarded-For without TRUST_PROXY", async ({ t }) => {
    const direct = await t.sibling({ TRUST_PROXY: "false" });
    const r = await signIn(direct, TEST_ADMIN.email, TEST_ADMIN.password, { "x-forwarded-for": "203.0.113.7" });
    expect(r.__typename).toBe("SignInSuccess");
    expect(r.session?.ip).toBeNull();
  });

  test("wrong password and unknown email: same typename, code and message; no enumeration", async ({ t, member }) => {
    const since = await lastAuditId(t);
    const wrong = await signIn(t, member.email, "not-the-password");
    const unknown = await signIn(t, "nobody-here@example.com", "not-the-password");
    expect(wrong).toEqual(INVALID);
    expect(unknown).toEqual(INVALID);
    expect(await auditTypes(t, since)).toEqual(["SIGN_IN_FAILED", "SIGN_IN_FAILED"]);
  });

  test("an unknown email costs one password verification (against a dummy hash), as a wrong password does", async ({ t, member }) => {
    const verify = vi.spyOn(t.app.passwords, "verify");
    const verifyDummy = vi.spyOn(t.app.passwords, "verifyDummy");
    try {
      await signIn(t, member.email, "not-the-password");
      expect([verify.mock.calls.length, verifyDummy.mock.calls.length]).toEqual([1, 0]);
      verify.mockClear();
      await signIn(t, "nobody-at-all@example.com", "not-the-password");
      expect([verify.mock.calls.length, verifyDummy.mock.calls.length]).toEqual([0, 1]);
    } finally {
      verify.mockRestore();
      verifyDummy.mockRestore();
    }
  });

  test("validates input with field errors (bad email, empty password)", async ({ t }) => {
    const since = await lastAuditId(t);
    const r = await signIn(t, "nope", "");
    expect(r.__typename).toBe("ValidationError");
    expect(r.fieldErrors?.map((e) => e.path).sort()).toEqual(["input.email", "input.password"]);
    expect(await auditTypes(t, since)).toEqual([]);
  });

  test("a disabled or admin-LOCKED user cannot sign in (answered like a wrong password), and gets no viewer with an existing token", async ({ t }) => {
    const disabled = await t.signInAs({});
    await t.db.user.update({ where: { id: disabled.userId }, data: { status: "DISABLED" } });
    expect(await signIn(t, disabled.email, disabled.password)).toEqual(INVALID);

    const locked = await t.signInAs({});
    await t.db.user.update({ where: { id: locked.userId }, data: { status: "LOCKED" } });
    // Not AccountLockedError: that would tell a stranger the account exists and is locked.
    expect(await signIn(t, locked.email, locked.password)).toEqual(INVALID);
    // The DB change bypassed the cache; once the cached fragments are gone, the reload refuses them.
    await t.app.cache.del([`session:${locked.sessionId}`, `session:${disabled.sessionId}`]);
    expect(await viewer(t, locked.token)).toBeNull();
    expect(await viewer(t, disabled.token)).toBeNull();
  });

  test("two sessions of one user are independent: signing out of one keeps the other", async ({ t, member }) => {
    const second = await signIn(t, member.email, member.password);
    expect(second.__typename).toBe("SignInSuccess");
    expect(second.session?.id).not.toBe(member.sessionGid);
    expect((await viewer(t, member.token))?.user.email).toBe(member.email);
    expect((await viewer(t, second.token ?? null))?.user.email).toBe(member.email);
    expect((await mutate(t, Q.signOut, {}, member.token)).__typename).toBe("SignOutSuccess");
    expect(await viewer(t, member.token)).toBeNull();
    expect((await viewer(t, second.token ?? null))?.user.email).toBe(member.email);
  });
});

describe("an account created without a password", () => {
  test("cannot sign in: InvalidCredentialsError exactly as for a wrong password, and no session", async ({ t, admin }) => {
    const created = await t.gql<{ createUser: { __typename: string; id?: string } }>(
      `mutation { createUser(input: { email: "no-password@test.local", name: "No Password" }) { __typename ... on User { id } } }`,
      {},
      { token: admin.token },
    );
    expect(created.data?.createUser.__typename).toBe("User");
    const user = await t.db.user.findUniqueOrThrow({ where: { email: "no-password@test.local" } });
    expect(user.passwordHash).toBeNull();

    const since = await lastAuditId(t);
    for (const password of ["any-password-at-all", TEST_ADMIN.password]) {
      expect(await signIn(t, "no-password@test.local", password)).toEqual(INVALID);
    }
    expect(await auditTypes(t, since)).toEqual(["SIGN_IN_FAILED", "SIGN_IN_FAILED"]);
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { type: "SIGN_IN_FAILED" }, orderBy: { id: "desc" } });
    expect(event).toMatchObject({ subjectUserId: user.id, metadata: { reason: "invalid_credentials" } });
    expect(await t.db.session.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("password hashing with the default configuration", () => {
  it("is argon2id with the OWASP parameters; a dummy verification never succeeds", async () => {
    const hasher = createPasswordHasher(loadConfig({}));
    const hash = await hasher.hash("correct-horse-battery");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, "correct-horse-battery")).toBe(true);
    expect(await hasher.verify(hash, "wrong-password")).toBe(false);
    expect(await hasher.verifyDummy("correct-horse-battery")).toBe(false);
  });
});
