import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstance } from "../helpers/instance.js";
import type { TestInstance } from "../helpers/instance.js";
import { Q, auditTypes, lastAuditId, mutate, signIn, viewer } from "../helpers/session-ops.js";

let t: TestInstance;
beforeAll(async () => {
  t = await createTestInstance();
});
afterAll(async () => {
  await t?.close();
});

const change = (token: string | null, currentPassword: string, newPassword: string) =>
  mutate(t, Q.changePassword, { input: { currentPassword, newPassword } }, token);

describe("changePassword", () => {
  it("wrong current password -> InvalidCredentialsError; nothing changes, no event", async () => {
    const u = await t.signInAs({});
    const other = await signIn(t, u.email, u.password);
    const since = await lastAuditId(t);
    const r = await change(u.token, "not-my-password", "a-brand-new-password");
    expect(r).toEqual({ __typename: "InvalidCredentialsError", code: "INVALID_CREDENTIALS", message: "Invalid email or password." });
    expect(await auditTypes(t, since)).toEqual([]);
    expect(await viewer(t, other.token ?? null)).not.toBeNull();
    expect((await signIn(t, u.email, u.password)).__typename).toBe("SignInSuccess");
  });

  it("success: new password works, old does not, other sessions revoked, current kept, PASSWORD_CHANGED", async () => {
    const u = await t.signInAs({});
    const o1 = await signIn(t, u.email, u.password);
    const o2 = await signIn(t, u.email, u.password);
    // Warm the cache for the other sessions, so revocation must remove cached copies.
    expect(await viewer(t, o1.token ?? null)).not.toBeNull();
    expect(await viewer(t, o2.token ?? null)).not.toBeNull();
    const since = await lastAuditId(t);
    const r = await change(u.token, u.password, "a-brand-new-password");
    expect(r).toEqual({ __typename: "ChangePasswordSuccess", revokedSessionCount: 2 });
    expect(await auditTypes(t, since)).toEqual(["PASSWORD_CHANGED"]);
    expect(await viewer(t, u.token)).not.toBeNull();
    expect(await viewer(t, o1.token ?? null)).toBeNull();
    expect(await viewer(t, o2.token ?? null)).toBeNull();
    expect((await signIn(t, u.email, u.password)).__typename).toBe("InvalidCredentialsError");
    expect((await signIn(t, u.email, "a-brand-new-password")).__typename).toBe("SignInSuccess");
    const revoked = await t.db.session.findMany({ where: { userId: u.userId, revokedReason: "password_changed" } });
    expect(revoked).toHaveLength(2);
  });

  it("new password violating the policy -> ValidationError on input.newPassword", async () => {
    const u = await t.signInAs({});
    const r = await change(u.token, u.password, "short");
    expect(r.__typename).toBe("ValidationError");
    expect(r.fieldErrors?.map((e) => e.path)).toEqual(["input.newPassword"]);
  });

  it("anonymous -> UnauthenticatedError", async () => {
    expect((await change(null, "whatever-password", "a-brand-new-password")).__typename).toBe("UnauthenticatedError");
  });

  it("wrong current passwords count against the sign-in limits -> RateLimitedError without verifying", async () => {
    const limited = await createTestInstance({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: "2" } });
    try {
      const u = await limited.signInAs({});
      const attempt = () =>
        mutate(limited, Q.changePassword, { input: { currentPassword: "not-my-password", newPassword: "a-brand-new-password" } }, u.token);
      expect((await attempt()).__typename).toBe("InvalidCredentialsError");
      expect((await attempt()).__typename).toBe("InvalidCredentialsError");
      const third = await attempt();
      expect(third.__typename).toBe("RateLimitedError");
      expect(third.code).toBe("RATE_LIMITED");
      // Even the right password is refused while limited, and nothing changed.
      const right = await mutate(limited, Q.changePassword, { input: { currentPassword: u.password, newPassword: "a-brand-new-password" } }, u.token);
      expect(right.__typename).toBe("RateLimitedError");
      expect((await signIn(limited, u.email, u.password)).__typename).toBe("RateLimitedError");
    } finally {
      await limited.close();
    }
  });
});
