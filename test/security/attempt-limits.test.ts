// Attempt limits hold under concurrency: every attempt is reserved before a password is checked, so a
// JSON batch, parallel requests or several instances never get more answers than the limit allows.
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { Q } from "../helpers/session-ops.js";
import type { Result } from "../helpers/session-ops.js";

/** Counts the password checks an instance makes. */
function countChecks(instance: TestInstance, counter: { n: number }): void {
  const verify = instance.app.passwords.verify.bind(instance.app.passwords);
  instance.app.passwords.verify = async (hash, password) => {
    counter.n++;
    return verify(hash, password);
  };
}

// The lockout is the binding limit here; the account window (LOGIN_MAX_FAILURES_PER_ACCOUNT) has its own test below.
const test = instanceTest({ env: { LOCKOUT_AFTER_FAILURES: "5", LOGIN_MAX_FAILURES_PER_ACCOUNT: "100" } }).extend("checks", { scope: "file" }, async ({ t }) => {
  const counter = { n: 0 };
  countChecks(t, counter);
  return counter;
});

const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { __typename ... on AccountLockedError { lockedUntil } } }`;

async function batch(t: TestInstance, ops: { query: string; variables: Record<string, unknown> }[], headers: Record<string, string> = {}): Promise<Result[]> {
  const res = await t.yoga.fetch("http://authgraph.test/graphql", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(ops) });
  const body = (await res.json()) as { data: Record<string, Result> }[];
  return body.map((r) => Object.values(r.data)[0] as Result);
}

const count = (results: Result[], typename: string): number => results.filter((r) => r.__typename === typename).length;

describe("sign-in attempts against one account", () => {
  test("a batch of nine wrong passwords then the right one checks five at most, and locks once", async ({ t, member: u, checks }) => {
    checks.n = 0;
    const ops = [...Array.from({ length: 9 }, () => "wrong-password-123"), u.password].map((password) => ({ query: SIGN_IN, variables: { input: { email: u.email, password } } }));
    const results = await batch(t, ops);
    // The batch's members run concurrently: whichever five reserve first are checked, the rest are refused.
    expect(checks.n).toBe(5);
    expect(count(results, "InvalidCredentialsError") + count(results, "SignInSuccess")).toBe(5);
    expect(count(results, "AccountLockedError")).toBe(5);
    expect(await t.db.auditEvent.count({ where: { type: "ACCOUNT_LOCKED", subjectUserId: u.userId } })).toBeLessThanOrEqual(1);
  });

  test("ten wrong passwords in one batch lock the account: the right one afterwards is refused unchecked", async ({ t, member: u, checks }) => {
    checks.n = 0;
    const results = await batch(t, Array.from({ length: 10 }, (_, i) => ({ query: SIGN_IN, variables: { input: { email: u.email, password: `wrong-password-${i}` } } })));
    expect(count(results, "InvalidCredentialsError")).toBe(5);
    expect(count(results, "AccountLockedError")).toBe(5);
    expect(await t.db.auditEvent.count({ where: { type: "ACCOUNT_LOCKED", subjectUserId: u.userId } })).toBe(1);
    const again = await t.gql<{ signIn: Result }>(Q.signIn, { input: { email: u.email, password: u.password } });
    expect(again.data?.signIn.__typename).toBe("AccountLockedError");
    expect(checks.n).toBe(5);
  });

  test("twenty parallel wrong attempts, half on a second instance, get exactly five password checks", async ({ t, member: u, checks }) => {
    const other = await t.sibling();
    countChecks(other, checks);
    checks.n = 0;
    const attempt = (i: number) =>
      (i % 2 === 0 ? t : other).gql<{ signIn: Result }>(SIGN_IN, { input: { email: u.email, password: `wrong-password-${i}` } }).then((r) => r.data?.signIn as Result);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(i)));
    expect(count(results, "InvalidCredentialsError")).toBe(5);
    expect(count(results, "AccountLockedError")).toBe(15);
    expect(checks.n).toBe(5);
    // One lock, one lockedUntil, whatever instance answered.
    expect(new Set(results.filter((r) => r.lockedUntil).map((r) => r.lockedUntil)).size).toBe(1);
  });

  test("a locked account costs no password hash", async ({ t, member: u, checks }) => {
    for (let i = 0; i < 5; i++) await t.gql(SIGN_IN, { input: { email: u.email, password: "wrong-password-123" } });
    checks.n = 0;
    const r = await t.gql<{ signIn: Result }>(SIGN_IN, { input: { email: u.email, password: u.password } });
    expect(r.data?.signIn.__typename).toBe("AccountLockedError");
    expect(checks.n).toBe(0);
  });
});

describe("changePassword with a stolen session", () => {
  test("twenty parallel wrong current passwords get at most the account window's ten answers", async ({ t, checks }) => {
    const w = await t.sibling({ LOGIN_MAX_FAILURES_PER_ACCOUNT: "10" });
    countChecks(w, checks);
    const u = await w.signInAs({});
    const attempt = (i: number) =>
      w.gql<{ changePassword: Result }>(Q.changePassword, { input: { currentPassword: `wrong-${i}-password`, newPassword: "new-password-4567" } }, { token: u.token }).then((r) => r.data?.changePassword as Result);
    checks.n = 0;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(i)));
    expect(count(results, "InvalidCredentialsError")).toBe(10);
    expect(count(results, "RateLimitedError")).toBe(10);
    expect(checks.n).toBe(10);
    // Every refused current password is in the trail.
    expect(await w.db.auditEvent.count({ where: { type: "PASSWORD_CHANGE_FAILED", subjectUserId: u.userId } })).toBe(10);
  });
});
