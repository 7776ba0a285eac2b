// Step-up: sensitive mutations need a second factor proved within STEP_UP_MAX_AGE_SECONDS when the
// actor has one (StepUpRequiredError otherwise, and nothing changes); stepUp renews it. A role with
// requireMfa grants its permissions only to sessions that proved MFA. Admins reset a user's factors.
import { describe, expect } from "vitest";
import { metricsOf } from "../../src/observability/metrics.js";
import { A } from "../helpers/account-ops.js";
import { test } from "../helpers/fixture.js";
import { M, enableTotp, nextTotpCode, passwordStep, run } from "../helpers/mfa.js";
import { auditTypes, lastAuditId } from "../helpers/session-ops.js";

const NEW_PASSWORD = "a-brand-new-password";
const changePassword = (password: string) => ({ input: { currentPassword: password, newPassword: NEW_PASSWORD } });

describe("step-up", () => {
  test("changePassword with a second factor proved too long ago: StepUpRequiredError, password unchanged; after stepUp it works", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    t.clock.advance(601_000);
    const before = await t.db.user.findUniqueOrThrow({ where: { id: member.userId }, select: { passwordHash: true } });
    const refused = await run(t, M.changePassword, changePassword(member.password), member.token);
    expect(refused).toMatchObject({ __typename: "StepUpRequiredError", code: "STEP_UP_REQUIRED", maxAgeSeconds: 600 });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: member.userId }, select: { passwordHash: true } })).passwordHash).toBe(before.passwordHash);

    const since = await lastAuditId(t);
    const stepped = await run(t, M.stepUp, { input: { totp: nextTotpCode(t, secret) } }, member.token);
    expect(stepped.__typename).toBe("Session");
    // Renewed: newer than the enrolment's, which is more than 600 s behind the clock.
    expect(t.clock.now().getTime() - Date.parse(stepped.mfaAt ?? "")).toBeLessThan(600_000);
    expect(await auditTypes(t, since)).toEqual(["MFA_VERIFIED"]);
    expect((await run(t, M.changePassword, changePassword(member.password), member.token)).__typename).toBe("ChangePasswordSuccess");
  });

  test("a session signed in with the password alone before TOTP was enabled must step up; one that did sign-in MFA need not", async ({ t, member }) => {
    const older = await t.signInAs({ email: member.email, password: member.password });
    const { secret } = await enableTotp(t, member);
    expect((await run(t, M.changePassword, changePassword(member.password), older.token)).code).toBe("STEP_UP_REQUIRED");
    const { challengeToken } = await passwordStep(t, member);
    const fresh = await run(t, M.completeSignIn, { input: { challengeToken, totp: nextTotpCode(t, secret) } });
    expect((await run(t, M.changePassword, changePassword(member.password), fresh.token)).__typename).toBe("ChangePasswordSuccess");
  });

  test("deleteAccount and deleteUser with a second factor proved too long ago: StepUpRequiredError, nobody deleted; after stepUp they work", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    const operator = await t.signInAs({ roles: ["member"], permissions: ["users:write"] });
    const operatorTotp = await enableTotp(t, operator);
    const target = await t.signInAs({});
    t.clock.advance(601_000);

    const selfDelete = await run(t, A.deleteAccount, { input: { currentPassword: member.password } }, member.token);
    expect(selfDelete).toMatchObject({ __typename: "StepUpRequiredError", code: "STEP_UP_REQUIRED" });
    const adminDelete = await run(t, A.deleteUser, { id: target.userGid }, operator.token);
    expect(adminDelete).toMatchObject({ __typename: "StepUpRequiredError", code: "STEP_UP_REQUIRED" });
    expect(await t.db.user.count({ where: { id: { in: [member.userId, target.userId] } } })).toBe(2);

    expect((await run(t, M.stepUp, { input: { totp: nextTotpCode(t, operatorTotp.secret) } }, operator.token)).__typename).toBe("Session");
    expect((await run(t, A.deleteUser, { id: target.userGid }, operator.token)).__typename).toBe("AccountDeleted");
    expect((await run(t, M.stepUp, { input: { totp: nextTotpCode(t, secret) } }, member.token)).__typename).toBe("Session");
    expect((await run(t, A.deleteAccount, { input: { currentPassword: member.password } }, member.token)).__typename).toBe("AccountDeleted");
    expect(await t.db.user.count({ where: { id: { in: [member.userId, target.userId] } } })).toBe(0);
  });

  test("without a second factor nothing asks for one", async ({ t, member }) => {
    t.clock.advance(3_600_000);
    expect((await run(t, M.changePassword, changePassword(member.password), member.token)).__typename).toBe("ChangePasswordSuccess");
  });

  test("stepUp with a wrong code is INVALID_SECOND_FACTOR, leaves mfaAt alone and is audited and counted", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    t.clock.advance(601_000);
    const mfaAt = (await t.db.session.findUniqueOrThrow({ where: { id: member.sessionId } })).mfaAt;
    const before = await metricsOf(t.app).registry.getSingleMetricAsString("authgraph_second_factor_total");
    const since = await lastAuditId(t);
    const wrong = await run(t, M.stepUp, { input: { totp: nextTotpCode(t, secret) === "000000" ? "111111" : "000000" } }, member.token);
    expect(wrong.code).toBe("INVALID_SECOND_FACTOR");
    expect((await t.db.session.findUniqueOrThrow({ where: { id: member.sessionId } })).mfaAt).toEqual(mfaAt);
    expect(await auditTypes(t, since)).toEqual(["MFA_FAILED"]);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: member.userId } })).failedLoginCount).toBe(1);
    const after = await metricsOf(t.app).registry.getSingleMetricAsString("authgraph_second_factor_total");
    expect(after).not.toBe(before);
    expect(after).toMatch(/authgraph_second_factor_total\{method="totp",purpose="step_up",outcome="invalid_second_factor"\} 1/);
  });

  test("grantRole and setRolePermissions ask an admin with a stale second factor to step up; a member stays FORBIDDEN", async ({ t }) => {
    const admin = await t.signInAs({ roles: ["admin"] });
    await enableTotp(t, admin);
    t.clock.advance(601_000);
    const target = await t.signInAs({});
    const grant = `mutation { grantRole(userId: "${target.userGid}", roleKey: "admin") { __typename ... on Error { code } } }`;
    expect((await t.gql<{ grantRole: { code: string } }>(grant, {}, { token: admin.token })).data?.grantRole.code).toBe("STEP_UP_REQUIRED");
    expect(await t.db.userRole.count({ where: { userId: target.userId, role: { key: "admin" } } })).toBe(0);
    const role = await t.db.role.findUniqueOrThrow({ where: { key: "member" } });
    const set = `mutation { setRolePermissions(roleId: "${Buffer.from(`Role:${role.id}`).toString("base64url")}", permissionKeys: []) { __typename ... on Error { code } } }`;
    expect((await t.gql<{ setRolePermissions: { code: string } }>(set, {}, { token: admin.token })).data?.setRolePermissions.code).toBe("STEP_UP_REQUIRED");
    expect((await t.gql<{ grantRole: { code: string } }>(grant, {}, { token: target.token })).data?.grantRole.code).toBe("FORBIDDEN");
  });
});

describe("Role.requireMfa", () => {
  test("a role's permissions apply only in a session that proved MFA; enrolling TOTP in that session lifts it", async ({ t, admin }) => {
    const created = await t.gql<{ createRole: { id: string; requireMfa: boolean } }>(
      `mutation { createRole(input: { key: "auditors", name: "Auditors", requireMfa: true }) { ... on Role { id requireMfa } } }`,
      {},
      { token: admin.token },
    );
    expect(created.data?.createRole.requireMfa).toBe(true);
    await t.gql(`mutation($id: ID!) { setRolePermissions(roleId: $id, permissionKeys: ["users:read"]) { __typename } }`, { id: created.data?.createRole.id }, { token: admin.token });
    const user = await t.signInAs({ roles: ["member", "auditors"] });
    const users = "{ users(first: 1) { edges { node { id } } } }";
    const refused = await t.gql(users, {}, { token: user.token });
    expect(refused.errors?.[0]?.extensions?.code).toBe("STEP_UP_REQUIRED");
    expect(refused.data?.users ?? null).toBeNull();
    // Listed among their permissions all the same (they hold it; this session may not use it).
    const own = await t.gql<{ viewer: { user: { permissions: string[] } } }>("{ viewer { user { permissions } } }", {}, { token: user.token });
    expect(own.data?.viewer.user.permissions).toContain("users:read");

    await enableTotp(t, user);
    expect((await t.gql(users, {}, { token: user.token })).errors).toBeUndefined();

    // Turning requireMfa off applies at once to a password-only session of a holder.
    const plain = await t.signInAs({ roles: ["member", "auditors"] });
    expect((await t.gql(users, {}, { token: plain.token })).errors?.[0]?.extensions?.code).toBe("STEP_UP_REQUIRED");
    await t.gql(`mutation($id: ID!) { updateRole(id: $id, input: { requireMfa: false }) { __typename } }`, { id: created.data?.createRole.id }, { token: admin.token });
    expect((await t.gql(users, {}, { token: plain.token })).errors).toBeUndefined();
  });
});

describe("resetUserMfa", () => {
  test("an admin removes a user's factors (audited); the user then signs in with the password alone", async ({ t, admin, member }) => {
    await enableTotp(t, member);
    const reset = `mutation($id: ID!) { resetUserMfa(userId: $id) { __typename ... on Error { code } } }`;
    expect((await t.gql<{ resetUserMfa: { code: string } }>(reset, { id: member.userGid }, { token: member.token })).data?.resetUserMfa.code).toBe("FORBIDDEN");
    const since = await lastAuditId(t);
    expect((await t.gql<{ resetUserMfa: { __typename: string } }>(reset, { id: member.userGid }, { token: admin.token })).data?.resetUserMfa.__typename).toBe("User");
    // The member's refused attempt leaves an ACCESS_DENIED event whenever its recording lands.
    const events = await t.db.auditEvent.findMany({ where: { id: { gt: since }, type: { not: "ACCESS_DENIED" } }, select: { type: true, subjectUserId: true, metadata: true } });
    expect(events).toEqual([{ type: "MFA_FACTORS_RESET", subjectUserId: member.userId, metadata: { totp: true, passkeys: 0, recoveryCodes: 10 } }]);
    expect((await run(t, M.signIn, { input: { email: member.email, password: member.password } })).__typename).toBe("SignInSuccess");
  });
});
