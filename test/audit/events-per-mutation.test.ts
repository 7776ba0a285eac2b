import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstance } from "../helpers/instance.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";
import { urlFor } from "../helpers/pg.js";
import { HOUR, Q, auditTypes, lastAuditId, mutate, signIn, viewer } from "../helpers/session-ops.js";
import type { Result } from "../helpers/session-ops.js";

let t: TestInstance;
let sql: pg.Client;
beforeAll(async () => {
  t = await createTestInstance({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: "2", LOCKOUT_AFTER_FAILURES: "100", SESSION_CLEANUP_BATCH_SIZE: "2" } });
  sql = new pg.Client({ connectionString: urlFor(t.databaseName) });
  await sql.connect();
  // Rejects audit inserts of the types listed in test_reject_audit, so a test can make exactly one
  // step's audit write fail and check that the change it records rolls back with it.
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
});
afterAll(async () => {
  await sql?.end();
  await t?.close();
});

async function rejecting<T>(type: string, fn: () => Promise<T>): Promise<T> {
  await sql.query("INSERT INTO test_reject_audit VALUES ($1)", [type]);
  try {
    return await fn();
  } finally {
    await sql.query("DELETE FROM test_reject_audit WHERE type = $1", [type]);
  }
}

/** A mutation whose audit insert failed: masked internal error, no SQL or trigger text leaks. */
async function expectInternalError(doc: string, vars: Record<string, unknown>, token: string | null): Promise<void> {
  const res = await t.gql(doc, vars, { token });
  expect(res.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
  expect(JSON.stringify(res)).not.toMatch(/test: audit|audit_events|SQL|prisma/i);
}

describe("each mutation leaves exactly its events", () => {
  const PW = "correct-horse-battery";
  /** `prepare` may write events of its own (signInAs); only what `run` adds is counted. */
  interface Step {
    prepare: () => Promise<SignedIn | null>;
    run: (u: SignedIn | null) => Promise<Result>;
    expected: string[];
  }
  const user = () => t.signInAs({});
  const must = (u: SignedIn | null): SignedIn => {
    if (!u) throw new Error("step needs a user");
    return u;
  };
  const steps: [string, Step][] = [
    ["signUp", { prepare: async () => null, run: () => mutate(t, Q.signUp, { input: { email: `audit-signup-${Date.now()}@example.com`, password: PW } }), expected: ["SIGN_UP"] }],
    ["signIn success", { prepare: user, run: (u) => signIn(t, must(u).email, PW), expected: ["SIGN_IN_SUCCEEDED"] }],
    ["signIn wrong password", { prepare: user, run: (u) => signIn(t, must(u).email, "wrong-password"), expected: ["SIGN_IN_FAILED"] }],
    ["signIn unknown email", { prepare: async () => null, run: () => signIn(t, "nobody@example.com", "wrong-password"), expected: ["SIGN_IN_FAILED"] }],
    ["refreshSession", { prepare: user, run: (u) => mutate(t, Q.refresh, {}, must(u).token), expected: ["SESSION_REFRESHED"] }],
    ["signOut", { prepare: user, run: (u) => mutate(t, Q.signOut, {}, must(u).token), expected: ["SIGNED_OUT"] }],
    ["revokeSession", { prepare: user, run: (u) => mutate(t, Q.revoke, { id: must(u).sessionGid }, must(u).token), expected: ["SESSION_REVOKED"] }],
    ["revokeAllSessions", { prepare: user, run: (u) => mutate(t, Q.revokeAll, { userId: must(u).userGid, keepCurrent: true }, must(u).token), expected: ["ALL_SESSIONS_REVOKED"] }],
    [
      "changePassword",
      { prepare: user, run: (u) => mutate(t, Q.changePassword, { input: { currentPassword: PW, newPassword: "a-brand-new-password" } }, must(u).token), expected: ["PASSWORD_CHANGED"] },
    ],
    ["cleanupExpiredSessions", { prepare: () => t.signInAs("admin"), run: (u) => mutate(t, Q.cleanup, {}, must(u).token), expected: ["SESSIONS_CLEANED"] }],
  ];

  it.each(steps)("%s", async (_name, step) => {
    const u = await step.prepare();
    const since = await lastAuditId(t);
    const result = await step.run(u);
    expect(result.__typename).not.toMatch(/Unauthenticated|Forbidden|Validation/);
    expect(await auditTypes(t, since)).toEqual(step.expected);
  });

  it("rate limited sign-in -> SIGN_IN_RATE_LIMITED only", async () => {
    const u = await t.signInAs({});
    await signIn(t, u.email, "wrong-password");
    await signIn(t, u.email, "wrong-password");
    const since = await lastAuditId(t);
    expect((await signIn(t, u.email, PW)).__typename).toBe("RateLimitedError");
    expect(await auditTypes(t, since)).toEqual(["SIGN_IN_RATE_LIMITED"]);
  });

  it("lockout -> SIGN_IN_FAILED + ACCOUNT_LOCKED in one transaction", async () => {
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
  it("signIn: no session, no lastLoginAt, no event", async () => {
    const u = await t.signInAs({});
    const sessions = await t.db.session.count({ where: { userId: u.userId } });
    const before = await t.db.user.findUniqueOrThrow({ where: { id: u.userId } });
    const since = await lastAuditId(t);
    await rejecting("SIGN_IN_SUCCEEDED", () => expectInternalError(Q.signIn, { input: { email: u.email, password: u.password } }, null));
    expect(await t.db.session.count({ where: { userId: u.userId } })).toBe(sessions);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.userId } })).lastLoginAt).toEqual(before.lastLoginAt);
    expect(await auditTypes(t, since)).toEqual([]);
  });

  it("signUp: no user, no session, no event", async () => {
    const email = `rollback-${Date.now()}@example.com`;
    const since = await lastAuditId(t);
    const sessions = await t.db.session.count();
    await rejecting("SIGN_UP", () => expectInternalError(Q.signUp, { input: { email, password: "correct-horse-battery" } }, null));
    expect(await t.db.user.count({ where: { email } })).toBe(0);
    expect(await t.db.session.count()).toBe(sessions);
    expect(await auditTypes(t, since)).toEqual([]);
  });

  it("failed sign-in: the failure counter does not move without its event", async () => {
    const u = await t.signInAs({});
    await rejecting("SIGN_IN_FAILED", () => expectInternalError(Q.signIn, { input: { email: u.email, password: "wrong-password" } }, null));
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.userId } })).failedLoginCount).toBe(0);
  });

  const revocations: [string, string, (u: SignedIn) => [string, Record<string, unknown>]][] = [
    ["signOut", "SIGNED_OUT", () => [Q.signOut, {}]],
    ["revokeSession", "SESSION_REVOKED", (u) => [Q.revoke, { id: u.sessionGid }]],
    ["revokeAllSessions", "ALL_SESSIONS_REVOKED", (u) => [Q.revokeAll, { userId: u.userGid, keepCurrent: false }]],
  ];
  it.each(revocations)("%s: the session stays valid, nothing revoked, no event", async (_name, type, op) => {
    const u = await t.signInAs({});
    expect(await viewer(t, u.token)).not.toBeNull();
    const since = await lastAuditId(t);
    const [doc, vars] = op(u);
    await rejecting(type, () => expectInternalError(doc, vars, u.token));
    expect((await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } })).revokedAt).toBeNull();
    expect(await viewer(t, u.token)).not.toBeNull();
    expect(await auditTypes(t, since)).toEqual([]);
  });

  it("refreshSession: the expiry does not move", async () => {
    const u = await t.signInAs({});
    const before = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    t.clock.advance(10 * 60_000);
    await rejecting("SESSION_REFRESHED", () => expectInternalError(Q.refresh, {}, u.token));
    const after = await t.db.session.findUniqueOrThrow({ where: { id: u.sessionId } });
    expect(after.expiresAt).toEqual(before.expiresAt);
    expect(after.lastSeenAt).toEqual(before.lastSeenAt);
  });

  it("changePassword: the old password still works and other sessions survive", async () => {
    const u = await t.signInAs({});
    const other = await signIn(t, u.email, u.password);
    const since = await lastAuditId(t);
    await rejecting("PASSWORD_CHANGED", () => expectInternalError(Q.changePassword, { input: { currentPassword: u.password, newPassword: "a-brand-new-password" } }, u.token));
    expect(await viewer(t, other.token ?? null)).not.toBeNull();
    expect(await auditTypes(t, since)).toEqual([]);
    expect((await signIn(t, u.email, u.password)).__typename).toBe("SignInSuccess");
  });

});

describe("expiry leaves no audit noise", () => {
  it("automatic sliding extension is not an audited event", async () => {
    const u = await t.signInAs({});
    t.clock.advance(HOUR + 1000);
    const since = await lastAuditId(t);
    expect(await viewer(t, u.token)).not.toBeNull();
    expect(await auditTypes(t, since)).toEqual([]);
  });
});
