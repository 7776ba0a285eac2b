// Failures that matter to an investigation leave an event: a wrong current password and a mutation
// refused to a signed-in caller.
import { describe, expect } from "vitest";
import { test } from "../helpers/fixture.js";
import { Q } from "../helpers/session-ops.js";

describe("audited failures", () => {
  test("a wrong current password on changePassword records PASSWORD_CHANGE_FAILED", async ({ t, member: u }) => {
    const r = await t.gql<{ changePassword: { __typename: string } }>(Q.changePassword, { input: { currentPassword: "not-my-password", newPassword: "new-password-4567" } }, { token: u.token });
    expect(r.data?.changePassword.__typename).toBe("InvalidCredentialsError");
    const events = await t.db.auditEvent.findMany({ where: { type: "PASSWORD_CHANGE_FAILED", subjectUserId: u.userId }, select: { actorUserId: true, sessionId: true } });
    expect(events).toEqual([{ actorUserId: u.userId, sessionId: u.sessionId }]);
  });

  test("a member refused a privileged mutation leaves ACCESS_DENIED naming the operation", async ({ t, member: u }) => {
    const r = await t.gql<{ createRole: { __typename: string } }>(`mutation { createRole(input: { key: "sneaky", name: "Sneaky" }) { __typename } }`, {}, { token: u.token });
    expect(r.data?.createRole.__typename).toBe("ForbiddenError");
    await expect
      .poll(() => t.db.auditEvent.findMany({ where: { type: "ACCESS_DENIED", actorUserId: u.userId }, select: { metadata: true } }))
      .toEqual([{ metadata: { operation: "createRole" } }]);
  });

  test("a caller who may change a user but not read one: the change is made, the user is withheld from the answer, and no ACCESS_DENIED is recorded", async ({ t }) => {
    const writer = await t.signInAs({ permissions: ["users:write"] });
    const target = await t.signInAs({});
    const r = await t.gql<{ updateUser: { __typename: string; name?: string } | null }>(
      `mutation($id: ID!) { updateUser(id: $id, input: { name: "Changed" }) { __typename ... on User { name } } }`,
      { id: target.userGid },
      { token: writer.token },
    );
    expect(r.data?.updateUser ?? null).toBeNull();
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(await t.db.user.findUnique({ where: { id: target.userId }, select: { name: true } })).toEqual({ name: "Changed" });
    // A refusal recorded after it: once that one is in, an event for updateUser would be too.
    const refused = await t.gql<{ createRole: { __typename: string } }>(`mutation { createRole(input: { key: "sneaky", name: "Sneaky" }) { __typename } }`, {}, { token: writer.token });
    expect(refused.data?.createRole.__typename).toBe("ForbiddenError");
    await expect
      .poll(() => t.db.auditEvent.findMany({ where: { type: "ACCESS_DENIED", actorUserId: writer.userId }, select: { metadata: true } }))
      .toEqual([{ metadata: { operation: "createRole" } }]);
  });
});
