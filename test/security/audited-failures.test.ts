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
});
