// Changing the account's address: the current password, a confirmation to the new address and a
// notice to the old one, then confirmEmailChange with the token from the message. Collisions end in
// ConflictError, never in two accounts sharing an address.
import { describe, expect } from "vitest";
import { mailTest } from "../helpers/fixture.js";
import { A, awaitMail, settleMail } from "../helpers/account-ops.js";
import { auditTypes, lastAuditId, mutate, signIn } from "../helpers/session-ops.js";
import { tokenIn } from "../helpers/smtp.js";

const test = mailTest({ ACCOUNT_MAIL_MAX_PER_ADDRESS: "10" });

const request = (t: Parameters<typeof mutate>[0], token: string, newEmail: string, currentPassword: string) =>
  mutate(t, A.requestEmailChange, { input: { newEmail, currentPassword } }, token);

describe("email change", () => {
  test("confirms through the new address, tells the old one, and moves sign-in to the new address", async ({ t, smtp }) => {
    const u = await t.signInAs({});
    const newEmail = `moved-${Date.now()}@example.com`;
    const since = await lastAuditId(t);
    expect((await request(t, u.token, `  ${newEmail.toUpperCase()} `, u.password)).__typename).toBe("CheckInbox");
    const confirm = await awaitMail(smtp, newEmail);
    const notice = await awaitMail(smtp, u.email);
    expect(confirm.subject).toBe("Confirm your new email address");
    expect(notice.subject).toBe("Your email address is about to change");
    expect(notice.text).toContain(newEmail);
    // Nothing changes until the confirmation comes back.
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.userId } })).email).toBe(u.email);

    const r = await mutate(t, A.confirmEmailChange, { token: tokenIn(confirm) });
    expect(r).toMatchObject({ __typename: "EmailChanged", email: newEmail });
    const row = await t.db.user.findUniqueOrThrow({ where: { id: u.userId } });
    expect(row.email).toBe(newEmail);
    expect(row.emailVerifiedAt).not.toBeNull();
    expect((await signIn(t, newEmail, u.password)).__typename).toBe("SignInSuccess");
    expect((await signIn(t, u.email, u.password)).__typename).toBe("InvalidCredentialsError");
    expect((await mutate(t, A.confirmEmailChange, { token: tokenIn(confirm) })).__typename).toBe("InvalidTokenError");
    const types = await auditTypes(t, since);
    expect(types.filter((x) => x.startsWith("EMAIL_"))).toEqual(["EMAIL_CHANGE_REQUESTED", "EMAIL_CHANGED"]);
  });

  test("a wrong current password is refused and recorded; nothing is sent", async ({ t }) => {
    const u = await t.signInAs({});
    const since = await lastAuditId(t);
    expect(await request(t, u.token, `never-${Date.now()}@example.com`, "wrong-password")).toMatchObject({ __typename: "InvalidCredentialsError" });
    expect(await auditTypes(t, since)).toEqual(["EMAIL_CHANGE_FAILED"]);
    expect(await t.db.mailOutbox.count()).toBe(0);
    expect(await request(t, u.token, u.email, u.password)).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ path: "input.newEmail" }] });
    expect(await request(t, u.token, "not-an-address", u.password)).toMatchObject({ __typename: "ValidationError" });
    expect((await mutate(t, A.requestEmailChange, { input: { newEmail: "x@example.com", currentPassword: "x" } })).__typename).toBe("UnauthenticatedError");
  });

  test("an address another account has answers the same, and no confirmation is sent to it", async ({ t, smtp }) => {
    const u = await t.signInAs({});
    const owner = await t.signInAs({});
    expect((await request(t, u.token, owner.email, u.password)).__typename).toBe("CheckInbox");
    await settleMail(t);
    expect(smtp.inbox(owner.email)).toHaveLength(0);
    expect(smtp.inbox(u.email).map((m) => m.subject)).toEqual(["Your email address is about to change"]);
  });

  test("two accounts confirming one address at once: one gets it, the other ConflictError", async ({ t, smtp }) => {
    const a = await t.signInAs({});
    const b = await t.signInAs({});
    const target = `contested-${Date.now()}@example.com`;
    await request(t, a.token, target, a.password);
    await request(t, b.token, target, b.password);
    await awaitMail(smtp, target, 2);
    const tokens = smtp.inbox(target).map(tokenIn);
    const results = await Promise.all(tokens.map((token) => mutate(t, A.confirmEmailChange, { token })));
    expect(results.map((r) => r.__typename).sort()).toEqual(["ConflictError", "EmailChanged"]);
    expect(await t.db.user.count({ where: { email: target } })).toBe(1);
    // The loser keeps its address.
    const loser = results[0]?.__typename === "ConflictError" ? 0 : 1;
    const kept = await t.db.user.findUniqueOrThrow({ where: { id: [a, b][loser]?.userId ?? "" } });
    expect(kept.email).toBe([a, b][loser]?.email);
  });

  test("a confirmation arriving after someone signed up with the address ends in ConflictError", async ({ t, smtp }) => {
    const u = await t.signInAs({});
    const target = `raced-${Date.now()}@example.com`;
    await request(t, u.token, target, u.password);
    const token = tokenIn(await awaitMail(smtp, target));
    await t.signInAs({ email: target });
    expect(await mutate(t, A.confirmEmailChange, { token })).toMatchObject({ __typename: "ConflictError", code: "CONFLICT" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.userId } })).email).toBe(u.email);
  });
});
