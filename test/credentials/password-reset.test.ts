// Password reset: the same answer for known and unknown addresses, a single-use token read from the
// message an SMTP server received, and what a reset changes (password, sessions, lockout, tokens).
import { createHash } from "node:crypto";
import { describe, expect } from "vitest";
import { mailTest } from "../helpers/fixture.js";
import { A, awaitMail, settleMail } from "../helpers/account-ops.js";
import { auditTypes, lastAuditId, mutate, signIn, viewer } from "../helpers/session-ops.js";
import type { Result } from "../helpers/session-ops.js";
import { tokenIn } from "../helpers/smtp.js";

const test = mailTest({ ACCOUNT_MAIL_MAX_PER_ADDRESS: "3", ACCOUNT_MAIL_MAX_PER_IP: "1000", LOCKOUT_AFTER_FAILURES: "3" });
// Behind a trusted proxy, so each request names its client address; a small per-client window.
const perClient = mailTest({ TRUST_PROXY: "true", ACCOUNT_MAIL_MAX_PER_IP: "3", ACCOUNT_MAIL_MAX_PER_ADDRESS: "100" });
const NEW_PASSWORD = "a-brand-new-password";
const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });

describe("requestPasswordReset", () => {
  test("answers a known and an unknown address identically; only the known one gets a message", async ({ t, smtp }) => {
    const known = await t.signInAs({});
    const unknown = `nobody-${Date.now()}@example.com`;
    const since = await lastAuditId(t);
    const a = await t.gql(A.requestReset, { email: known.email });
    const b = await t.gql(A.requestReset, { email: unknown });
    expect(a).toEqual(b);
    expect(a.data).toEqual({ requestPasswordReset: { __typename: "CheckInbox", message: expect.any(String) } });
    await settleMail(t);
    expect(smtp.inbox(known.email)).toHaveLength(1);
    expect(smtp.inbox(unknown)).toHaveLength(0);
    // Both requests are recorded the same way; the token is issued to the account only.
    const events = await t.db.auditEvent.findMany({ where: { id: { gt: since } }, orderBy: { id: "asc" } });
    const requested = events.filter((e) => e.type === "PASSWORD_RESET_REQUESTED");
    expect(requested.map((e) => [e.subjectUserId, e.metadata])).toEqual([
      [null, { email: known.email }],
      [null, { email: unknown }],
    ]);
    expect(events.filter((e) => e.type === "ACCOUNT_TOKEN_ISSUED").map((e) => e.subjectUserId)).toEqual([known.userId]);
  });

  test("is rate-limited per address, known or not, with the same answer", async ({ t }) => {
    const known = await t.signInAs({});
    const unknown = `nobody-limit-${Date.now()}@example.com`;
    const since = await lastAuditId(t);
    for (const email of [known.email, unknown]) {
      for (let i = 0; i < 3; i++) expect((await mutate(t, A.requestReset, { email })).__typename).toBe("CheckInbox");
    }
    const a = await mutate(t, A.requestReset, { email: known.email });
    const b = await mutate(t, A.requestReset, { email: unknown });
    expect(a).toMatchObject({ __typename: "RateLimitedError", code: "RATE_LIMITED" });
    expect(b).toEqual({ ...a, retryAfterSeconds: b.retryAfterSeconds, message: b.message });
    const limited = await t.db.auditEvent.findMany({ where: { id: { gt: since }, type: "ACCOUNT_MAIL_RATE_LIMITED" }, orderBy: { id: "asc" } });
    expect(limited.map((e) => (e.metadata as { email?: string }).email)).toEqual([known.email, unknown]);
    await settleMail(t);
  });

  // One client, many target addresses: the per-client window counts requests, whoever they are for.
  const clients = {
    IPv4: { same: ["198.51.100.41", "198.51.100.41", "198.51.100.41", "198.51.100.41"], neighbour: "198.51.100.42" },
    // Four spellings inside one /64 (compressed, zero-padded, different interface ids): one client.
    "an IPv6 /64": { same: ["2001:db8:abcd:12::1", "2001:0db8:abcd:0012:8000::2", "2001:db8:abcd:12:ffff:ffff:ffff:ffff", "2001:db8:abcd:12::99"], neighbour: "2001:db8:abcd:13::1" },
  } as const;
  for (const [kind, { same, neighbour }] of Object.entries(clients)) {
    perClient(`is rate-limited per client address (${kind}) across different target addresses, and sends nothing more`, async ({ t, smtp }) => {
      const users = await Promise.all(Array.from({ length: 5 }, () => t.signInAs({})));
      for (const [i, ip] of same.slice(0, 3).entries()) {
        const ok = await t.gql<{ requestPasswordReset: Result }>(A.requestReset, { email: users[i]?.email }, from(ip));
        expect(ok.data?.requestPasswordReset.__typename).toBe("CheckInbox");
      }
      await settleMail(t);
      const sent = smtp.messages.length;
      const since = await lastAuditId(t);
      const refused = (await t.gql<{ requestPasswordReset: Result }>(A.requestReset, { email: users[3]?.email }, from(same[3]))).data?.requestPasswordReset;
      expect(refused).toMatchObject({ __typename: "RateLimitedError", code: "RATE_LIMITED" });
      expect(refused?.retryAfterSeconds).toBeGreaterThan(0);
      expect(await t.db.mailOutbox.count()).toBe(0);
      const limited = await t.db.auditEvent.findMany({ where: { id: { gt: since } }, orderBy: { id: "asc" } });
      expect(limited.map((e) => [e.type, e.ip, (e.metadata as { email?: string }).email])).toEqual([["ACCOUNT_MAIL_RATE_LIMITED", same[3], users[3]?.email]]);
      await settleMail(t);
      expect(smtp.messages).toHaveLength(sent);
      expect(smtp.inbox(users[3]?.email ?? "")).toHaveLength(0);
      // The next client over has a window of its own.
      const other = (await t.gql<{ requestPasswordReset: Result }>(A.requestReset, { email: users[4]?.email }, from(neighbour))).data?.requestPasswordReset;
      expect(other?.__typename).toBe("CheckInbox");
      await awaitMail(smtp, users[4]?.email ?? "");
    });
  }

  perClient("the per-client window holds under concurrency: of eight parallel requests, three are queued and mailed", async ({ t, smtp }) => {
    const users = await Promise.all(Array.from({ length: 8 }, () => t.signInAs({})));
    const sent = smtp.messages.length;
    const answers = await Promise.all(
      users.map(async (u) => (await t.gql<{ requestPasswordReset: Result }>(A.requestReset, { email: u.email }, from("198.51.100.77"))).data?.requestPasswordReset.__typename),
    );
    expect(answers.filter((a) => a === "CheckInbox")).toHaveLength(3);
    expect(answers.filter((a) => a === "RateLimitedError")).toHaveLength(5);
    await settleMail(t);
    expect(smtp.messages.length - sent).toBe(3);
  });

  test("refuses a malformed address with a field error and queues nothing", async ({ t }) => {
    const r = await mutate(t, A.requestReset, { email: "not-an-address" });
    expect(r).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ path: "email", message: expect.stringMatching(/valid email/) }] });
    expect(await t.db.mailOutbox.count()).toBe(0);
  });
});

describe("resetPassword", () => {
  test("sets the password, revokes every session, clears the lockout and works once", async ({ t, smtp }) => {
    const u = await t.signInAs({});
    const other = await t.signInAs({ email: u.email, password: u.password });
    // Lock the account with failures first.
    for (let i = 0; i < 3; i++) await signIn(t, u.email, "wrong-password");
    expect((await signIn(t, u.email, u.password)).__typename).toBe("AccountLockedError");

    await mutate(t, A.requestReset, { email: u.email });
    const token = tokenIn(await awaitMail(smtp, u.email));
    const since = await lastAuditId(t);
    const r = await mutate(t, A.resetPassword, { input: { token, newPassword: NEW_PASSWORD } });
    expect(r).toEqual({ __typename: "ResetPasswordSuccess", revokedSessionCount: 2 });
    expect(await viewer(t, u.token)).toBeNull();
    expect(await viewer(t, other.token)).toBeNull();
    expect((await signIn(t, u.email, u.password)).__typename).toBe("InvalidCredentialsError");
    expect((await signIn(t, u.email, NEW_PASSWORD)).__typename).toBe("SignInSuccess");
    expect((await auditTypes(t, since))[0]).toBe("PASSWORD_RESET_COMPLETED");

    const again = await mutate(t, A.resetPassword, { input: { token, newPassword: "yet-another-password" } });
    expect(again).toMatchObject({ __typename: "InvalidTokenError", code: "INVALID_TOKEN" });
    expect((await signIn(t, u.email, NEW_PASSWORD)).__typename).toBe("SignInSuccess");
  });

  test("consumes every other outstanding reset token of the account", async ({ t, smtp }) => {
    const u = await t.signInAs({});
    await mutate(t, A.requestReset, { email: u.email });
    const first = tokenIn(await awaitMail(smtp, u.email, 1));
    await mutate(t, A.requestReset, { email: u.email });
    const second = tokenIn(await awaitMail(smtp, u.email, 2));
    expect(second).not.toBe(first);
    expect((await mutate(t, A.resetPassword, { input: { token: second, newPassword: NEW_PASSWORD } })).__typename).toBe("ResetPasswordSuccess");
    expect((await mutate(t, A.resetPassword, { input: { token: first, newPassword: "some-other-password" } })).__typename).toBe("InvalidTokenError");
  });

  test("stores only the sha-256 of the secret; the outbox never holds it", async ({ t, smtp }) => {
    const u = await t.signInAs({});
    await mutate(t, A.requestReset, { email: u.email });
    const token = tokenIn(await awaitMail(smtp, u.email));
    const [id, secret] = token.split(".") as [string, string];
    const row = await t.db.accountToken.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(row.purpose).toBe("RESET_PASSWORD");
    // 15-60 minutes (30 by default).
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(30 * 60_000);
    // The row may still be there for a moment after SMTP accepted the message; it never carries the secret.
    expect(JSON.stringify(await t.db.mailOutbox.findMany())).not.toContain(secret);
    await expect.poll(() => t.db.mailOutbox.count()).toBe(0);
  });

  test("refuses an expired, malformed or unknown token, and a weak password, changing nothing", async ({ t, smtp }) => {
    const u = await t.signInAs({});
    await mutate(t, A.requestReset, { email: u.email });
    const token = tokenIn(await awaitMail(smtp, u.email));

    const weak = await mutate(t, A.resetPassword, { input: { token, newPassword: "short" } });
    expect(weak).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ path: "input.newPassword" }] });
    for (const bad of ["", "garbage", `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`, `00000000-0000-4000-8000-000000000000.${token.slice(37)}`]) {
      expect((await mutate(t, A.resetPassword, { input: { token: bad, newPassword: NEW_PASSWORD } })).__typename).toBe("InvalidTokenError");
    }
    t.clock.advance(31 * 60_000);
    try {
      expect((await mutate(t, A.resetPassword, { input: { token, newPassword: NEW_PASSWORD } })).__typename).toBe("InvalidTokenError");
    } finally {
      t.clock.advance(-31 * 60_000);
    }
    expect((await signIn(t, u.email, u.password)).__typename).toBe("SignInSuccess");
    expect((await t.db.accountToken.findUniqueOrThrow({ where: { id: token.slice(0, 36) } })).consumedAt).toBeNull();
  });
});
