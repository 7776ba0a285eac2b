// changePassword: needs the current password; on success the other sessions of the user end.
import { describe, expect } from "vitest";
import { createSessionInTx } from "../../src/modules/sessions/start.js";
import { instanceTest, test } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { Q, auditTypes, lastAuditId, mutate, signIn, viewer } from "../helpers/session-ops.js";

const INVALID = { __typename: "InvalidCredentialsError", code: "INVALID_CREDENTIALS", message: "Invalid email or password." };

const limited = instanceTest({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: "2" } });

const change = (t: TestInstance, token: string | null, currentPassword: string, newPassword: string) =>
  mutate(t, Q.changePassword, { input: { currentPassword, newPassword } }, token);

describe("changePassword", () => {
  test("wrong current password -> InvalidCredentialsError; nothing changes but the PASSWORD_CHANGE_FAILED event", async ({ t, member: u }) => {
    const other = await signIn(t, u.email, u.password);
    const since = await lastAuditId(t);
    expect(await change(t, u.token, "not-my-password", "a-brand-new-password")).toEqual(INVALID);
    expect(await auditTypes(t, since)).toEqual(["PASSWORD_CHANGE_FAILED"]);
    expect(await viewer(t, other.token ?? null)).not.toBeNull();
    expect((await signIn(t, u.email, u.password)).__typename).toBe("SignInSuccess");
  });

  test("success: new password works, old does not, other sessions revoked, current kept, PASSWORD_CHANGED", async ({ t, member: u }) => {
    const o1 = await signIn(t, u.email, u.password);
    const o2 = await signIn(t, u.email, u.password);
    // Warm the cache for the other sessions, so revocation must remove cached copies.
    expect(await viewer(t, o1.token ?? null)).not.toBeNull();
    expect(await viewer(t, o2.token ?? null)).not.toBeNull();
    const since = await lastAuditId(t);
    expect(await change(t, u.token, u.password, "a-brand-new-password")).toEqual({ __typename: "ChangePasswordSuccess", revokedSessionCount: 2 });
    expect(await auditTypes(t, since)).toEqual(["PASSWORD_CHANGED"]);
    expect(await viewer(t, u.token)).not.toBeNull();
    expect(await viewer(t, o1.token ?? null)).toBeNull();
    expect(await viewer(t, o2.token ?? null)).toBeNull();
    expect(await signIn(t, u.email, u.password)).toEqual(INVALID);
    expect((await signIn(t, u.email, "a-brand-new-password")).__typename).toBe("SignInSuccess");
    const revoked = await t.db.session.findMany({ where: { userId: u.userId, revokedReason: "password_changed" } });
    expect(revoked).toHaveLength(2);
  });

  test("new password violating the policy -> ValidationError on input.newPassword", async ({ t, member: u }) => {
    const r = await change(t, u.token, u.password, "short");
    expect(r.__typename).toBe("ValidationError");
    expect(r.fieldErrors?.map((e) => e.path)).toEqual(["input.newPassword"]);
  });

  test("anonymous -> UnauthenticatedError", async ({ t }) => {
    expect((await change(t, null, "whatever-password", "a-brand-new-password")).__typename).toBe("UnauthenticatedError");
  });

  limited("wrong current passwords count against the sign-in limits -> RateLimitedError without verifying", async ({ t, member: u }) => {
    expect(await change(t, u.token, "not-my-password", "a-brand-new-password")).toEqual(INVALID);
    expect(await change(t, u.token, "not-my-password", "a-brand-new-password")).toEqual(INVALID);
    const third = await change(t, u.token, "not-my-password", "a-brand-new-password");
    expect(third.__typename).toBe("RateLimitedError");
    expect(third.code).toBe("RATE_LIMITED");
    // Even the right password is refused while limited, and nothing changed.
    expect((await change(t, u.token, u.password, "a-brand-new-password")).__typename).toBe("RateLimitedError");
    expect((await signIn(t, u.email, u.password)).__typename).toBe("RateLimitedError");
  });
});

describe("changePassword on an account created without a password", () => {
  test("-> InvalidCredentialsError whatever the current password given; nothing changes but the failure events", async ({ t, admin }) => {
    const created = await t.gql<{ createUser: { __typename: string } }>(
      `mutation { createUser(input: { email: "passwordless@test.local", name: "Passwordless" }) { __typename } }`,
      {},
      { token: admin.token },
    );
    expect(created.data?.createUser.__typename).toBe("User");
    const user = await t.db.user.findUniqueOrThrow({ where: { email: "passwordless@test.local" } });
    // It cannot sign in, so its session is made directly, as sign-in would make it.
    const { token } = await t.db.$transaction((tx) => createSessionInTx(t.app, tx, user.id, { requestId: "test", ip: null, userAgent: null }));
    expect((await viewer(t, token))?.user.email).toBe("passwordless@test.local");

    const since = await lastAuditId(t);
    for (const current of ["any-password-at-all", "a-brand-new-password"]) {
      expect(await change(t, token, current, "a-brand-new-password")).toEqual(INVALID);
    }
    expect(await auditTypes(t, since)).toEqual(["PASSWORD_CHANGE_FAILED", "PASSWORD_CHANGE_FAILED"]);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBeNull();
    expect(await viewer(t, token)).not.toBeNull();
    expect(await signIn(t, "passwordless@test.local", "a-brand-new-password")).toEqual(INVALID);
  });
});
