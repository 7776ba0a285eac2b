// Each mutation writes exactly its audit events, in the same transaction as the change: when the
// audit insert fails, the change is rolled back and the client sees a masked internal error.
import pg from "pg";
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";
import { urlFor } from "../helpers/pg.js";
import { HOUR, Q, auditTypes, lastAuditId, mutate, signIn, viewer } from "../helpers/session-ops.js";
import type { Result } from "../helpers/session-ops.js";

/**
 * `rejecting(type, fn)` runs `fn` while audit inserts of `type` fail (a trigger on the instance's own
 * database), so a test can make exactly one step's audit write fail.
 */
const test = instanceTest({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: "2", LOCKOUT_AFTER_FAILURES: "100", SESSION_CLEANUP_BATCH_SIZE: "2" } }).extend(
  "rejecting",
  { scope: "file" },
  async ({ t }, { onCleanup }) => {
    const sql = new pg.Client({ connectionString: urlFor(t.databaseName) });
    await sql.connect();
    onCleanup(() => sql.end());
    await sql.query(`
      CREATE TABLE test_reject_audit (type text PRIMARY KEY);
      CREATE FUNCTION test_reject_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM test_reject_audit WHERE type = NEW.type::text) THEN
          RAISE EXCEPTION 'test: audit insert of % rejected', NEW.type;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_reject_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_reject_audit();`);
    return async (type: string, fn: () => Promise<void>): Promise<void> => {
      await sql.query("INSERT INTO test_reject_audit VALUES ($1)", [type]);
      try {
        await fn();
      } finally {
        await sql.query("DELETE FROM test_reject_audit WHERE type = $1", [type]);
      }
    };
  },
);

/** A mutation whose audit insert failed: masked internal error, no SQL or trigger text leaks. */
async function expectInternalError(t: TestInstance, doc: string, vars: Record<string, unknown>, token: string | null): Promise<void> {
  const res = await t.gql(doc, vars, { token });
  expect(res.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
  expect(JSON.stringify(res)).not.toMatch(/test: audit|audit_events|SQL|prisma/i);
}

describe("each mutation leaves exactly its events", () => {
  const PW = "correct-horse-battery";
  /** `prepare` may write events of its own (signInAs); only what `run` adds is counted. */
  interface Step {
    prepare: (t: TestInstance) => Promise<SignedIn | null>;
    run: (t: TestInstance, u: SignedIn | null) => Promise<Result>;
    typename: string;
    expected: string[];
  }
  const user = (t: TestInstance) => t.signInAs({});
  const must = (u: SignedIn | null): SignedIn => {
    if (!u) throw new Error("step needs a user");
    return u;
  };
  const steps: [string, Step][] = [
    ["signUp", { prepare: async () => null, run: (t) => mutate(t, Q.signUp, { input: { email: `audit-signup-${Date.now()}@example.com`, password: PW } }), typename: "SignInSuccess", expected: ["SIGN_UP"] }],
    ["signIn success", { prepare: user, run: (t, u) => signIn(t, must(u).email, PW), typename: "SignInSuccess", expected: ["SIGN_IN_SUCCEEDED"] }],
    ["signIn wrong password", { prepare: user, run: (t, u) => signIn(t, must(u).email, "wrong-password"), typename: "InvalidCredentialsError", expected: ["SIGN_IN_FAILED"] }],
    ["signIn unknown email", { prepare: async () => null, run: (t) => signIn(t, "nobody@example.com", "wrong-password"), typename: "InvalidCredentialsError", expected: ["SIGN_IN_FAILED"] }],
    ["refreshSession", { prepare: user, run: (t, u) => mutate(t, Q.refresh, {}, must(u).token), typename: "Session", expected: ["SESSION_REFRESHED"] }],
    ["signOut", { prepare: user, run: (t, u) => mutate(t, Q.signOut, {}, must(u).token), typename: "SignOutSuccess", expected: ["SIGNED_OUT"] }],
    ["revokeSession", { prepare: user, run: (t, u) => mutate(t, Q.revoke, { id: must(u).sessionGid }, must(u).token), typename: "Session", expected: ["SESSION_REVOKED"] }],
    ["revokeAllSessions", { prepare: user, run: (t, u) => mutate(t, Q.revokeAll, { userId: must(u).userGid, keepCurrent: true }, must(u).token), typename: "RevokeAllSessionsSuccess", expected: ["ALL_SESSIONS_REVOKED"] }],
    [
      "changePassword",
      { prepare: user, run: (t, u) => mutate(t, Q.changePassword, { input: { currentPassword: PW, newPassword: "a-brand-new-password" } }, must(u).token), typename: "ChangePasswordSuccess", expected: ["PASSWORD_CHANGED"] },
    ],
    ["cleanupExpiredSessions", { prepare: (t) => t.signInAs("admin"), run: (t, u) => mutate(t, Q.cleanup, {}, must(u).token), typename: "CleanupExpiredSessionsSuccess", expected: ["SESSIONS_CLEANED"] }],
  ];

  test.for(steps)("%s", async ([, step], { t }) => {
    const u = await step.prepare(t);
    const since = await lastAuditId(t);
    const result = await step.run(t, u);
    expect(result.__typename).toBe(step.typename);
    expect(await auditTypes(t, since)).toEqual(step.expected);
  });

  test("rate limited sign-in -> SIGN_IN_RATE_LIMITED only", async ({ t, member: u }) => {
    await signIn(t, u.email, "wrong-password");
    await signIn(t, u.email, "wrong-password");
    const since = await lastAuditId(t);
    expect((await signIn(t, u.email, PW)).__typename).toBe("RateLimitedError");
    expect(await auditTypes(t, since)).toEqual(["SIGN_IN_RATE_LIMITED"]);
  });

  test("lockout -> SIGN_IN_FAILED + ACCOUNT_LOCKED in one transaction", async ({ t }) => {
    const locking = await t.sibling({ LOGIN_MAX_FAILURES_PER_ACCOUNT: "100", LOCKOUT_AFTER_FAILURES: "1" });
    const u = await locking.signInAs({});
    const since = await lastAuditId(t);
    expect((await signIn(locking, u.email, "wrong-password")).__typename).toBe("InvalidCredentialsError");
    expect(await auditTypes(t, since)).toEqual(["SIGN_IN_FAILED", "ACCOUNT_LOCKED"]);
    const events = await t.db.auditEvent.findMany({ where: { id: { gt: since } } });
    expect(new Set(events.map((e) => e.subjectUserId))).toEqual(new Set([u.userId]));
  });
});

describe("a failed audit write rolls back the change it records", () => {
  test("signIn: no session, no lastLoginAt, no event", async ({ t, rejecting, member: u }) => {
    const sessions = await t.db.session.count({ where: { userId: u.userId } });
    const before = await t.db.user.findUniqueOrThrow({ where: { id: u.userId } });
    const since = await lastAuditId(t);
    await rejecting("SIGN_IN_SUCCEEDED", () => expectInternalError(t, Q.signIn, { input: { email: u.email, password: u.password } }, null));
    expect(await t.db.session.count({ where: { userId: u.userId } })).toBe(sessions);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.userId } })).lastLoginAt).toEqual(before.lastLoginAt);
    expect(await auditTypes(t, since)).toEqual([]);
  });

  test("signUp: no user, no session, no event", async ({ t, rejecting }) => {
    const email = `rollback-${Date.now()}@example.com`;
    const since = await lastAuditId(t);
    const sessions = await t.db.session.count();
    await rejecting("SIGN_UP", () => expectInternalError(t, Q.signUp, { input: { email, password: "correct-horse-battery" } }, null));
    expect(await t.db.user.count({ where: { email } })).toBe(0);
    expect(await t.db.session.count()).toBe(sessions);
    expect(await auditTypes(t, since)).toEqual([]);
  });

  // The attempt is reserved (counted) before the password is checked, so a failure to record it
  // fails closed: it still counts toward the lockout. Nothing else changes.
  test("failed sign-in whose event cannot be written: the attempt stays counted, no session, no event", async ({ t, rejecting, member: u }) => {
    const since = await lastAuditId(t);
    await rejecting("SIGN_IN_FAILED", () => expectInternalError(t, Q.signIn, { input: { email: u.email, password: "wrong-password" } }, null));
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.userId } })).failedLoginCount).toBe(1);
    expect(await t.db.session.count({ where: { userId: u.userId } })).toBe(1);
    expect(await auditTypes(t, since)).toEqual([]);
  });

  const revocations: [string, string, (u: SignedIn) => [string, Record<string, unknown>]][] = [
    ["signOut", "SIGNED_OUT", () => [Q.signOut, {}]],
    ["revokeSession", "SESSION_REVOKED", (u) => [Q.revoke, { id: u.sessionGid }]],
    ["revokeAllSessions", "ALL_SESSIONS_REVOKED", (u) => [Q.revokeAll, { userId: u.userGid, keepCurrent: false }]],
  ];
  test.for(revocations)("%s: the session stays valid, nothing revoked, no event", async ([, type, op], { t, rejecting, member: u }) => {
    expect(await viewer(t, u.token)).not.toBeNull();
    const since = await lastAuditId(t);
    const [doc, vars] = op(u);
    await rejecting(type, () => expectInternalError(t, doc, vars, u.token));
    expect((await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } })).revokedAt).toBeNull();
    expect(await viewer(t, u.token)).not.toBeNull();
    expect(await auditTypes(t, since)).toEqual([]);
  });

  test("refreshSession: the expiry does not move", async ({ t, rejecting, member: u }) => {
    const before = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    t.clock.advance(10 * 60_000);
    await rejecting("SESSION_REFRESHED", () => expectInternalError(t, Q.refresh, {}, u.token));
    const after = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    expect(after.expiresAt).toEqual(before.expiresAt);
    expect(after.lastSeenAt).toEqual(before.lastSeenAt);
  });

  test("changePassword: the old password still works and other sessions survive", async ({ t, rejecting, member: u }) => {
    const other = await signIn(t, u.email, u.password);
    const since = await lastAuditId(t);
    await rejecting("PASSWORD_CHANGED", () => expectInternalError(t, Q.changePassword, { input: { currentPassword: u.password, newPassword: "a-brand-new-password" } }, u.token));
    expect(await viewer(t, other.token ?? null)).not.toBeNull();
    expect(await auditTypes(t, since)).toEqual([]);
    expect((await signIn(t, u.email, u.password)).__typename).toBe("SignInSuccess");
  });
});

describe("expiry leaves no audit noise", () => {
  test("automatic sliding extension is not an audited event", async ({ t, member: u }) => {
    t.clock.advance(HOUR + 1000);
    const since = await lastAuditId(t);
    expect(await viewer(t, u.token)).not.toBeNull();
    expect(await auditTypes(t, since)).toEqual([]);
  });
});
