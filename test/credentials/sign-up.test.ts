import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstance } from "../helpers/instance.js";
import type { TestInstance } from "../helpers/instance.js";
import { Q, auditTypes, lastAuditId, mutate, viewer } from "../helpers/session-ops.js";

let t: TestInstance;
beforeAll(async () => {
  t = await createTestInstance();
});
afterAll(async () => {
  await t?.close();
});

const signUp = (input: Record<string, unknown>) => mutate(t, Q.signUp, { input });

describe("signUp", () => {
  it("creates a member with a session, normalising the email; the token resolves the viewer", async () => {
    const since = await lastAuditId(t);
    const r = await signUp({ email: "  New.Person@Example.COM ", password: "a-long-enough-password", name: "  New Person " });
    expect(r.__typename).toBe("SignInSuccess");
    expect(r.user).toMatchObject({ email: "new.person@example.com", name: "New Person", status: "ACTIVE" });
    expect(r.session).toMatchObject({ current: false, active: true, revokedAt: null });
    expect(r.token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);

    const v = await viewer(t, r.token ?? null);
    expect(v?.user.email).toBe("new.person@example.com");
    expect(v?.session.id).toBe(r.session?.id);
    expect(v?.session.current).toBe(true);

    const row = await t.db.user.findUniqueOrThrow({ where: { email: "new.person@example.com" }, include: { roles: { include: { role: true } } } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.roles.map((r) => r.role.key)).toEqual(["member"]);
    // Only the hash of the secret is stored.
    const session = await t.db.session.findFirstOrThrow({ where: { userId: row.id } });
    expect(session.tokenHash).not.toContain(r.token?.split(".")[1] ?? "-");
    expect(await auditTypes(t, since)).toEqual(["SIGN_UP"]);
  });

  it("rejects a taken email (any case) with ConflictError and no event", async () => {
    await signUp({ email: "taken@example.com", password: "a-long-enough-password" });
    const since = await lastAuditId(t);
    const r = await signUp({ email: "TAKEN@example.com", password: "another-long-password" });
    expect(r).toMatchObject({ __typename: "ConflictError", code: "CONFLICT" });
    expect(await auditTypes(t, since)).toEqual([]);
    expect(await t.db.user.count({ where: { email: "taken@example.com" } })).toBe(1);
  });

  it("reports field errors for a bad email and a short password", async () => {
    const since = await lastAuditId(t);
    const r = await signUp({ email: "not-an-email", password: "short" });
    expect(r.__typename).toBe("ValidationError");
    expect(r.code).toBe("VALIDATION_FAILED");
    const byPath = Object.fromEntries((r.fieldErrors ?? []).map((e) => [e.path, e.message]));
    expect(byPath["input.email"]).toMatch(/valid email/);
    expect(byPath["input.password"]).toMatch(/at least 12/);
    expect(await auditTypes(t, since)).toEqual([]);
    expect(await t.db.user.count({ where: { email: "not-an-email" } })).toBe(0);
  });

  it("reports a too-long password and name", async () => {
    const r = await signUp({ email: "long@example.com", password: "x".repeat(257), name: "n".repeat(201) });
    expect(r.__typename).toBe("ValidationError");
    expect(r.fieldErrors?.map((e) => e.path).sort()).toEqual(["input.name", "input.password"]);
  });

  it("is refused when SIGNUP_ENABLED=false, and nothing is written", async () => {
    const off = await createTestInstance({ env: { SIGNUP_ENABLED: "false" } });
    try {
      const users = await off.db.user.count();
      const r = await mutate(off, Q.signUp, { input: { email: "nobody@example.com", password: "a-long-enough-password" } });
      expect(r).toMatchObject({ __typename: "SignUpDisabledError", code: "SIGN_UP_DISABLED" });
      expect(await off.db.user.count()).toBe(users);
      expect(await off.db.auditEvent.count({ where: { type: "SIGN_UP" } })).toBe(0);
    } finally {
      await off.close();
    }
  });

  it("the new account can sign in with its password", async () => {
    await signUp({ email: "roundtrip@example.com", password: "roundtrip-password" });
    const r = await mutate(t, Q.signIn, { input: { email: "Roundtrip@Example.com", password: "roundtrip-password" } });
    expect(r.__typename).toBe("SignInSuccess");
  });
});
