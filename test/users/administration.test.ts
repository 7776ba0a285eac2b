// User administration by an admin: createUser, updateUser, setUserStatus, each audited once.
import { describe, expect } from "vitest";
import { test } from "../helpers/fixture.js";
import { ERR, audited, run } from "../helpers/admin-ops.js";
import type { Payload } from "../helpers/admin-ops.js";

describe("user administration", () => {
  test("createUser grants the given roles (member when omitted), hashes the password and audits USER_CREATED", async ({ t, admin }) => {
    let created: Payload = { __typename: "" };
    const events = await audited(t, async () => {
      created = await run(t, `mutation { createUser(input: { email: "  New.Person@Test.local ", name: "New Person", password: "a-long-enough-password", roleKeys: ["member", "admin"] }) { __typename ... on User { id email roles { key } } ${ERR} } }`, admin.token);
    });
    expect(created).toMatchObject({ __typename: "User", email: "new.person@test.local", roles: [{ key: "admin" }, { key: "member" }] });
    expect(events).toEqual([{ type: "USER_CREATED", actorUserId: admin.userId, subjectUserId: expect.any(String), metadata: { roleKeys: ["admin", "member"], withPassword: true } }]);
    // The password works.
    const signedIn = await t.signInAs({ email: "new.person@test.local", password: "a-long-enough-password" });
    expect(signedIn.userGid).toBe(created.id);

    const plain = await run(t, `mutation { createUser(input: { email: "plain@test.local", name: "Plain" }) { __typename ... on User { roles { key } } ${ERR} } }`, admin.token);
    expect(plain).toMatchObject({ __typename: "User", roles: [{ key: "member" }] });
    const none = await run(t, `mutation { createUser(input: { email: "none@test.local", name: "None", roleKeys: [] }) { __typename ... on User { roles { key } } ${ERR} } }`, admin.token);
    expect(none).toMatchObject({ __typename: "User", roles: [] });
  });

  test("updateUser changes only what differs, audits USER_UPDATED with the changed fields, and reports a taken email", async ({ t, admin }) => {
    const user = await t.signInAs({ roles: ["member"] });
    const events = await audited(t, () => run(t, `mutation { updateUser(id: "${user.userGid}", input: { name: "Changed" }) { __typename } }`, admin.token));
    expect(events).toEqual([{ type: "USER_UPDATED", actorUserId: admin.userId, subjectUserId: user.userId, metadata: { changed: ["name"] } }]);
    const unchanged = await audited(t, () => run(t, `mutation { updateUser(id: "${user.userGid}", input: { name: "Changed" }) { __typename } }`, admin.token));
    expect(unchanged).toEqual([]);
    const taken = await run(t, `mutation { updateUser(id: "${user.userGid}", input: { email: "admin@test.local" }) { __typename ${ERR} } }`, admin.token);
    expect(taken.code).toBe("CONFLICT");
  });

  test("setUserStatus audits USER_STATUS_CHANGED; LOCKED blocks sign-in; ACTIVE clears it", async ({ t, admin }) => {
    const user = await t.signInAs({ roles: ["member"] });
    const events = await audited(t, () => run(t, `mutation { setUserStatus(id: "${user.userGid}", status: LOCKED) { __typename } }`, admin.token));
    expect(events).toEqual([{ type: "USER_STATUS_CHANGED", actorUserId: admin.userId, subjectUserId: user.userId, metadata: { from: "ACTIVE", to: "LOCKED", revokedSessions: 1 } }]);
    await expect(t.signInAs({ email: user.email, password: user.password })).rejects.toThrow(/ACCOUNT_LOCKED/);
    await run(t, `mutation { setUserStatus(id: "${user.userGid}", status: ACTIVE) { __typename } }`, admin.token);
    await expect(t.signInAs({ email: user.email, password: user.password })).resolves.toMatchObject({ userId: user.userId });
  });
});
