// Self-service sign-up: a member account and its first session, or a typed error and nothing written.
import { describe, expect } from "vitest";
import { test } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { Q, auditTypes, lastAuditId, mutate, viewer } from "../helpers/session-ops.js";

const signUp = (t: TestInstance, input: Record<string, unknown>) => mutate(t, Q.signUp, { input });

describe("signUp", () => {
  test("creates a member with a session, normalising the email; the token resolves the viewer", async ({ t }) => {
    const since = await lastAuditId(t);
    const r = await signUp(t, { email: "  New.Person@Example.COM ", password: "a-long-enough-password", name: "  New Person " });
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

  test("rejects a taken email (any case) with ConflictError and no event", async ({ t }) => {
    await signUp(t, { email: "taken@example.com", password: "a-long-enough-password" });
    const since = await lastAuditId(t);
    const r = await signUp(t, { email: "TAKEN@example.com", password: "another-long-password" });
    expect(r).toMatchObject({ __typename: "ConflictError", code: "CONFLICT" });
    expect(await auditTypes(t, since)).toEqual([]);
    expect(await t.db.user.count({ where: { email: "taken@example.com" } })).toBe(1);
  });

  test("reports field errors for a bad email and a short password", async ({ t }) => {
    const since = await lastAuditId(t);
    const r = await signUp(t, { email: "not-an-email", password: "short" });
    expect(r.__typename).toBe("ValidationError");
    expect(r.code).toBe("VALIDATION_FAILED");
    const byPath = Object.fromEntries((r.fieldErrors ?? []).map((e) => [e.path, e.message]));
    expect(byPath["input.email"]).toMatch(/valid email/);
    expect(byPath["input.password"]).toMatch(/at least 12/);
    expect(await auditTypes(t, since)).toEqual([]);
    expect(await t.db.user.count({ where: { email: "not-an-email" } })).toBe(0);
  });

  test("reports a too-long password and name", async ({ t }) => {
    const r = await signUp(t, { email: "long@example.com", password: "x".repeat(257), name: "n".repeat(201) });
    expect(r.__typename).toBe("ValidationError");
    expect(r.fieldErrors?.map((e) => e.path).sort()).toEqual(["input.name", "input.password"]);
  });

  test("is refused when SIGNUP_ENABLED=false, and nothing is written", async ({ t }) => {
    const off = await t.sibling({ SIGNUP_ENABLED: "false" });
    const users = await off.db.user.count();
    const since = await lastAuditId(off);
    const r = await signUp(off, { email: "nobody@example.com", password: "a-long-enough-password" });
    expect(r).toMatchObject({ __typename: "SignUpDisabledError", code: "SIGN_UP_DISABLED" });
    expect(await off.db.user.count()).toBe(users);
    expect(await auditTypes(off, since)).toEqual([]);
  });

  test("the new account can sign in with its password", async ({ t }) => {
    await signUp(t, { email: "roundtrip@example.com", password: "roundtrip-password" });
    const r = await mutate(t, Q.signIn, { input: { email: "Roundtrip@Example.com", password: "roundtrip-password" } });
    expect(r.__typename).toBe("SignInSuccess");
  });
});
