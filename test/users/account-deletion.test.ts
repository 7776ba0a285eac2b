// Account erasure: deleteAccount(currentPassword) and deleteUser(id). Sessions, roles and credentials
// go; the audit events stay, their personal data (IP, user agent, email in metadata) pseudonymised,
// and the chain still verifies, also against a head recorded before the erasure.
import { describe, expect } from "vitest";
import { checkpointHead } from "../../src/modules/audit/head.js";
import { mailTest } from "../helpers/fixture.js";
import { A, awaitMail } from "../helpers/account-ops.js";
import { integrity } from "../helpers/audit.js";
import { Q, mutate, signIn, viewer } from "../helpers/session-ops.js";

const test = mailTest({ TRUST_PROXY: "true", AUDIT_IP_KEY: "erasure-test-ip-key-0123456789" });
const USER_IP = "203.0.113.77";
const USER_AGENT = "ErasureTestAgent/1.0";
const as = (ip: string, ua: string) => ({ "x-forwarded-for": ip, "user-agent": ua });

describe("deleteAccount", () => {
  test("erases the account, pseudonymises its personal data in the trail, and the chain still verifies", async ({ t, smtp, admin }) => {
    const email = `erase-${Date.now()}@example.com`;
    const password = "a-long-enough-password";
    const up = await mutate(t, Q.signUp, { input: { email, password } }, null, as(USER_IP, USER_AGENT));
    const token = up.token ?? "";
    const userId = (await t.db.user.findUniqueOrThrow({ where: { email } })).id;
    await signIn(t, email, "wrong-password", as(USER_IP, USER_AGENT));
    await mutate(t, A.requestReset, { email }, null, as(USER_IP, USER_AGENT));
    await awaitMail(smtp, email, 2);
    // An admin's action on the user: the admin's address and agent are not the user's data.
    const byAdmin = await t.gql(`mutation($id: ID!) { updateUser(id: $id, input: { name: "Renamed" }) { __typename } }`, { id: up.user?.id }, {
      token: admin.token,
      headers: as("198.51.100.9", "AdminAgent/2.0"),
    });
    expect(byAdmin.errors).toBeUndefined();
    await checkpointHead(t.app);
    const eventIds = (await t.db.auditEvent.findMany({ select: { id: true } })).map((e) => e.id);

    const r = await mutate(t, A.deleteAccount, { input: { currentPassword: password } }, token, as(USER_IP, USER_AGENT));
    expect(r).toMatchObject({ __typename: "AccountDeleted" });

    expect(await t.db.user.count({ where: { id: userId } })).toBe(0);
    expect(await t.db.session.count({ where: { userId } })).toBe(0);
    expect(await t.db.userRole.count({ where: { userId } })).toBe(0);
    expect(await t.db.accountToken.count({ where: { userId } })).toBe(0);
    expect(await viewer(t, token)).toBeNull();
    expect((await signIn(t, email, password)).__typename).toBe("InvalidCredentialsError");
    expect((await awaitMail(smtp, email, 3)).subject).toBe("Your account was deleted");

    // Every event is still there, plus ACCOUNT_DELETED.
    const events = await t.db.auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(events.map((e) => e.id)).toEqual(expect.arrayContaining(eventIds));
    const deleted = events.filter((e) => e.type === "ACCOUNT_DELETED");
    expect(deleted.map((e) => [e.actorUserId, e.subjectUserId, e.metadata])).toEqual([[userId, userId, { self: true, revokedSessions: 1 }]]);
    // Nothing of the user's in clear; the admin's own request data stays.
    const dump = JSON.stringify(events.map((e) => [e.ip, e.userAgent, e.metadata]));
    expect(dump).not.toContain(USER_IP);
    expect(dump).not.toContain(USER_AGENT);
    expect(dump).not.toContain(email);
    const adminEvent = events.find((e) => e.type === "USER_UPDATED" && e.subjectUserId === userId);
    expect([adminEvent?.ip, adminEvent?.userAgent]).toEqual(["198.51.100.9", "AdminAgent/2.0"]);
    const reset = events.find((e) => e.type === "PASSWORD_RESET_REQUESTED" && JSON.stringify(e.metadata).includes("pseudo:"));
    expect(reset?.metadata).toEqual({ email: expect.stringMatching(/^pseudo:[0-9a-f]{64}$/) });

    const report = await integrity(t, admin.token);
    expect(report).toMatchObject({ ok: true, firstBrokenEventId: null });
    expect(report.message).toMatch(/reaches the head recorded/);
  });

  test("a wrong current password deletes nothing and is recorded", async ({ t, member }) => {
    const r = await mutate(t, A.deleteAccount, { input: { currentPassword: "wrong-password" } }, member.token);
    expect(r).toMatchObject({ __typename: "InvalidCredentialsError" });
    expect(await t.db.user.count({ where: { id: member.userId } })).toBe(1);
    expect(await viewer(t, member.token)).not.toBeNull();
    expect(await t.db.auditEvent.count({ where: { type: "ACCOUNT_DELETE_FAILED", subjectUserId: member.userId } })).toBe(1);
  });
});

describe("deleteUser", () => {
  test("needs users:write; an admin's deletion revokes the user's sessions", async ({ t, admin, member }) => {
    const target = await t.signInAs({});
    expect(await mutate(t, A.deleteUser, { id: target.userGid }, member.token)).toMatchObject({ __typename: "ForbiddenError" });
    expect(await t.db.user.count({ where: { id: target.userId } })).toBe(1);
    const r = await mutate(t, A.deleteUser, { id: target.userGid }, admin.token);
    expect(r).toEqual({ __typename: "AccountDeleted", deletedUserId: target.userGid });
    expect(await viewer(t, target.token)).toBeNull();
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { type: "ACCOUNT_DELETED", subjectUserId: target.userId } });
    expect([event.actorUserId, event.metadata]).toEqual([admin.userId, { self: false, revokedSessions: 1 }]);
    expect(await mutate(t, A.deleteUser, { id: target.userGid }, admin.token)).toMatchObject({ __typename: "NotFoundError" });
  });

  test("the last active admin cannot be deleted, by an admin or by themselves", async ({ t, admin }) => {
    expect(await mutate(t, A.deleteUser, { id: admin.userGid }, admin.token)).toMatchObject({ __typename: "LastAdminError", code: "LAST_ADMIN" });
    const self = await mutate(t, A.deleteAccount, { input: { currentPassword: admin.password } }, admin.token);
    expect(self).toMatchObject({ __typename: "LastAdminError" });
    expect(await t.db.user.count({ where: { id: admin.userId } })).toBe(1);
    expect(await viewer(t, admin.token)).not.toBeNull();
  });
});
