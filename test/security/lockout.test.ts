// What a lockout reveals, and whom it stops: unknown emails lock exactly like accounts (same answer,
// same lockedUntil), an admin-locked account answers like a wrong password, and a source the owner
// signed in from recently is not locked out by a stranger's failures.
import { describe, expect } from "vitest";
import { Prisma } from "../../src/generated/prisma/client.js";
import { finishSignIn } from "../../src/modules/credentials/signed-in.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import type { Result } from "../helpers/session-ops.js";

const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { __typename ... on AccountLockedError { lockedUntil } ... on Error { code } } }`;

async function signIn(t: TestInstance, email: string, password: string, ip?: string): Promise<Result> {
  return (await t.gql<{ signIn: Result }>(SIGN_IN, { input: { email, password } }, ip ? { headers: { "x-forwarded-for": ip } } : {})).data?.signIn as Result;
}

const lockoutEnv = { LOCKOUT_AFTER_FAILURES: "3", LOCKOUT_SECONDS: "600", LOGIN_KNOWN_SOURCE_DAYS: "0" };
const onCaches = [
  ["redis", instanceTest({ env: lockoutEnv })],
  ["memory", instanceTest({ memoryCache: true, env: lockoutEnv })],
] as const;

for (const [cache, test] of onCaches) {
  describe(`lockout answers (${cache} cache)`, () => {
    test("an unknown email and a real account lock after the same failures, with the same constant lockedUntil", async ({ t, member: u }) => {
      const unknown = `nobody-${u.userId}@example.com`;
      const known: Result[] = [];
      const phantom: Result[] = [];
      for (let i = 0; i < 6; i++) {
        known.push(await signIn(t, u.email, "wrong-password-1"));
        phantom.push(await signIn(t, unknown, "wrong-password-1"));
      }
      const shape = (rs: Result[]) => rs.map((r) => r.__typename);
      expect(shape(known)).toEqual(["InvalidCredentialsError", "InvalidCredentialsError", "InvalidCredentialsError", "AccountLockedError", "AccountLockedError", "AccountLockedError"]);
      expect(shape(phantom)).toEqual(shape(known));
      // Each lock reports one instant, the same on every later attempt (no jitter to tell them apart).
      expect(new Set(known.map((r) => r.lockedUntil).filter(Boolean)).size).toBe(1);
      expect(new Set(phantom.map((r) => r.lockedUntil).filter(Boolean)).size).toBe(1);
      for (const lockedUntil of [known[5]?.lockedUntil, phantom[5]?.lockedUntil]) {
        expect(lockedUntil).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
    });

    test("both unlock after LOCKOUT_SECONDS and count again from one", async ({ t, member: u }) => {
      const unknown = `nobody2-${u.userId}@example.com`;
      for (let i = 0; i < 3; i++) {
        await signIn(t, u.email, "wrong-password-1");
        await signIn(t, unknown, "wrong-password-1");
      }
      t.clock.advance(601_000);
      expect((await signIn(t, u.email, "wrong-password-1")).__typename).toBe("InvalidCredentialsError");
      expect((await signIn(t, unknown, "wrong-password-1")).__typename).toBe("InvalidCredentialsError");
      expect((await signIn(t, u.email, u.password)).__typename).toBe("SignInSuccess");
    });

    test("an admin-locked account answers like a wrong password, not with a lock", async ({ t, member: u }) => {
      await t.db.user.update({ where: { id: u.userId }, data: { status: "LOCKED" } });
      expect(await signIn(t, u.email, u.password)).toEqual({ __typename: "InvalidCredentialsError", code: "INVALID_CREDENTIALS" });
      await t.db.user.update({ where: { id: u.userId }, data: { status: "DISABLED" } });
      expect(await signIn(t, u.email, u.password)).toEqual({ __typename: "InvalidCredentialsError", code: "INVALID_CREDENTIALS" });
    });
  });
}

const behindProxy = instanceTest({ env: { TRUST_PROXY: "true", LOCKOUT_AFTER_FAILURES: "3" } });

describe("a stranger cannot lock the owner out", () => {
  behindProxy("the owner's recent source signs in with the right password while the account is locked for others", async ({ t, member: u }) => {
    expect((await signIn(t, u.email, u.password, "198.51.100.7")).__typename).toBe("SignInSuccess");
    for (let i = 0; i < 5; i++) await signIn(t, u.email, "wrong-password-1", "203.0.113.66");
    expect((await signIn(t, u.email, u.password, "203.0.113.66")).__typename).toBe("AccountLockedError");
    expect((await signIn(t, u.email, u.password, "198.51.100.7")).__typename).toBe("SignInSuccess");
    // The lock still holds for everyone else.
    expect((await signIn(t, u.email, u.password, "192.0.2.1")).__typename).toBe("AccountLockedError");
  });

  behindProxy("the owner signing in again and again from their source is never locked out", async ({ t, member: u }) => {
    for (let i = 0; i < 8; i++) expect((await signIn(t, u.email, u.password, "198.51.100.9")).__typename).toBe("SignInSuccess");
    // One mistake among them changes nothing either.
    expect((await signIn(t, u.email, "wrong-password-1", "198.51.100.9")).__typename).toBe("InvalidCredentialsError");
    for (let i = 0; i < 4; i++) expect((await signIn(t, u.email, u.password, "198.51.100.9")).__typename).toBe("SignInSuccess");
  });

  behindProxy("the owner's source has a lockout of its own", async ({ t, member: u }) => {
    expect((await signIn(t, u.email, u.password, "198.51.100.8")).__typename).toBe("SignInSuccess");
    for (let i = 0; i < 3; i++) expect((await signIn(t, u.email, "wrong-password-1", "198.51.100.8")).__typename).toBe("InvalidCredentialsError");
    expect((await signIn(t, u.email, u.password, "198.51.100.8")).__typename).toBe("AccountLockedError");
  });
});

describe("a known source belongs to one account", () => {
  behindProxy("an email that moves to another account does not bring the old owner's source with it", async ({ t, member: u }) => {
    expect((await signIn(t, u.email, u.password, "198.51.100.10")).__typename).toBe("SignInSuccess");
    const other = await t.signInAs({});
    await t.db.user.update({ where: { id: u.userId }, data: { email: `moved-${u.userId}@example.com` } });
    await t.db.user.update({ where: { id: other.userId }, data: { email: u.email } });
    // From the old owner's source, failures against the email now count against the other account.
    for (let i = 0; i < 3; i++) await signIn(t, u.email, "wrong-password-1", "198.51.100.10");
    expect((await signIn(t, u.email, other.password, "192.0.2.2")).__typename).toBe("AccountLockedError");
  });
});

const streakTest = instanceTest({ env: { LOCKOUT_AFTER_FAILURES: "5", LOGIN_KNOWN_SOURCE_DAYS: "0" } });

describe("a success while other attempts are in flight", () => {
  streakTest("clears the failures up to its own attempt; attempts reserved after it still count", async ({ t, member: u }) => {
    const reserve = async (): Promise<number | undefined> => {
      const found = await t.app.lockout.findAndReserve<{ email: string }>(u.email, null, t.clock.now(), Prisma.sql`u.email`);
      return found?.reservation && !found.reservation.locked ? found.reservation.count : undefined;
    };
    expect(await reserve()).toBe(1);
    const mine = await reserve();
    expect(mine).toBe(2);
    // Reserved while the successful attempt's password was being checked.
    expect(await reserve()).toBe(3);
    const request = { requestId: "lockout-test", ip: null, userAgent: null };
    await finishSignIn(t.app, { id: u.userId, email: u.email, knownSource: false, reservedCount: mine }, { methods: ["password"], mfaAt: null }, request);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.userId }, select: { failedLoginCount: true } })).failedLoginCount).toBe(1);
    // A success with no reservation of its own (a second factor completed later) clears them all.
    await finishSignIn(t.app, { id: u.userId, email: u.email, knownSource: false }, { methods: ["password", "totp"], mfaAt: t.clock.now() }, request);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.userId }, select: { failedLoginCount: true } })).failedLoginCount).toBe(0);
  });
});
