// Brute force: failures per account and per IP are rate-limited, consecutive failures lock the
// account for a while, and an unknown email behaves exactly like a real one throughout.
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import { auditTypes, lastAuditId, signIn } from "../helpers/session-ops.js";

const PASSWORD = "correct-horse-battery";
const LIMITS = { TRUST_PROXY: "true", LOGIN_MAX_FAILURES_PER_ACCOUNT: "3", LOGIN_MAX_FAILURES_PER_IP: "1000", LOCKOUT_AFTER_FAILURES: "100", LOGIN_WINDOW_SECONDS: "60" };
const LOCKOUT = { LOGIN_MAX_FAILURES_PER_ACCOUNT: "100", LOCKOUT_AFTER_FAILURES: "3", LOCKOUT_SECONDS: "600" };

const limitedOnRedis = instanceTest({ env: LIMITS });
const limitedInProcess = instanceTest({ memoryCache: true, env: LIMITS });
const lockingOnRedis = instanceTest({ env: LOCKOUT });
const lockingInProcess = instanceTest({ memoryCache: true, env: LOCKOUT });
const sharedLimit = instanceTest({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: "2", LOCKOUT_AFTER_FAILURES: "100" } });

for (const [name, test, memoryCache] of [
  ["Redis", limitedOnRedis, false],
  ["in-process cache", limitedInProcess, true],
] as const) {
  describe(`brute-force protection on ${name}`, () => {
    test("rate-limits an account after LOGIN_MAX_FAILURES_PER_ACCOUNT failures, without verifying the password", async ({ t, member: { email } }) => {
      for (let i = 0; i < 3; i++) expect((await signIn(t, email, "wrong-password")).__typename).toBe("InvalidCredentialsError");
      const since = await lastAuditId(t);
      let verified = 0;
      const original = t.app.passwords.verify;
      t.app.passwords.verify = async (...args) => {
        verified++;
        return original(...args);
      };
      try {
        // Even the correct password is refused while limited.
        const r = await signIn(t, email, PASSWORD);
        expect(r.__typename).toBe("RateLimitedError");
        expect(r.code).toBe("RATE_LIMITED");
        expect(r.retryAfterSeconds).toBeGreaterThan(0);
        expect(r.retryAfterSeconds).toBeLessThanOrEqual(60);
        expect(verified).toBe(0);
      } finally {
        t.app.passwords.verify = original;
      }
      expect(await auditTypes(t, since)).toEqual(["SIGN_IN_RATE_LIMITED"]);
    });

    test("rate-limits unknown emails the same way (no enumeration through the limiter)", async ({ t, member: { email } }) => {
      const known: string[] = [];
      const unknown: string[] = [];
      for (let i = 0; i < 4; i++) known.push(JSON.stringify({ ...(await signIn(t, email, "wrong-password")), retryAfterSeconds: undefined, message: undefined }));
      for (let i = 0; i < 4; i++) unknown.push(JSON.stringify({ ...(await signIn(t, `ghost-${memoryCache}@example.com`, "wrong-password")), retryAfterSeconds: undefined, message: undefined }));
      expect(known).toEqual(unknown);
      expect(known.at(-1)).toContain("RateLimitedError");
    });

    test("a success resets the account counter", async ({ t, member: { email } }) => {
      for (let i = 0; i < 2; i++) await signIn(t, email, "wrong-password");
      expect((await signIn(t, email, PASSWORD)).__typename).toBe("SignInSuccess");
      for (let i = 0; i < 2; i++) expect((await signIn(t, email, "wrong-password")).__typename).toBe("InvalidCredentialsError");
      expect((await signIn(t, email, PASSWORD)).__typename).toBe("SignInSuccess");
    });

    test("rate-limits per IP across accounts", async ({ t }) => {
      const ipLimited = await t.sibling({ LOGIN_MAX_FAILURES_PER_ACCOUNT: "1000", LOGIN_MAX_FAILURES_PER_IP: "4" });
      const ip = { "x-forwarded-for": `198.51.100.${memoryCache ? 1 : 2}` };
      for (let i = 0; i < 4; i++) expect((await signIn(ipLimited, `spray-${i}@example.com`, "wrong-password", ip)).__typename).toBe("InvalidCredentialsError");
      const { email } = await ipLimited.signInAs({});
      const r = await signIn(ipLimited, email, PASSWORD, ip);
      expect(r.__typename).toBe("RateLimitedError");
      // Another IP is unaffected.
      expect((await signIn(ipLimited, email, PASSWORD, { "x-forwarded-for": "198.51.100.200" })).__typename).toBe("SignInSuccess");
    });
  });
}

for (const [name, test, memoryCache] of [
  ["Redis", lockingOnRedis, false],
  ["in-process cache", lockingInProcess, true],
] as const) {
  describe(`account lockout on ${name}`, () => {
    test("locks after LOCKOUT_AFTER_FAILURES consecutive failures; AccountLockedError.lockedUntil; unlocks after the period", async ({ t, member: { email } }) => {
      const since = await lastAuditId(t);
      const from = t.clock.now().getTime();
      for (let i = 0; i < 3; i++) expect((await signIn(t, email, "wrong-password")).__typename).toBe("InvalidCredentialsError");
      expect(await auditTypes(t, since)).toEqual(["SIGN_IN_FAILED", "SIGN_IN_FAILED", "SIGN_IN_FAILED", "ACCOUNT_LOCKED"]);

      const to = t.clock.now().getTime();
      const since2 = await lastAuditId(t);
      const r = await signIn(t, email, PASSWORD);
      expect(r.__typename).toBe("AccountLockedError");
      expect(r.code).toBe("ACCOUNT_LOCKED");
      const lockedUntil = new Date(r.lockedUntil ?? 0).getTime();
      // LOCKOUT_SECONDS from the third failure.
      expect(lockedUntil - 600_000).toBeGreaterThanOrEqual(from);
      expect(lockedUntil - 600_000).toBeLessThanOrEqual(to);
      expect(await auditTypes(t, since2)).toEqual(["SIGN_IN_FAILED"]);

      t.clock.advance(601_000);
      expect((await signIn(t, email, PASSWORD)).__typename).toBe("SignInSuccess");
      const row = await t.db.user.findUniqueOrThrow({ where: { email } });
      expect(row.failedLoginCount).toBe(0);
      expect(row.lockedUntil).toBeNull();
    });

    test("an unknown email locks exactly like an account, so the lockout reveals nothing", async ({ t, member: { email } }) => {
      const ghost = `ghost-lock-${memoryCache}-${Date.now()}@example.com`;
      const strip = (r: Awaited<ReturnType<typeof signIn>>) => ({ __typename: r.__typename, code: r.code, message: r.message });
      const real: Awaited<ReturnType<typeof signIn>>[] = [];
      const fake: Awaited<ReturnType<typeof signIn>>[] = [];
      const from = t.clock.now().getTime();
      for (let i = 0; i < 5; i++) {
        real.push(await signIn(t, email, "wrong-password"));
        fake.push(await signIn(t, ghost, "wrong-password"));
      }
      const to = t.clock.now().getTime();
      expect(fake.map(strip)).toEqual(real.map(strip));
      expect(real.map((r) => r.__typename)).toEqual(["InvalidCredentialsError", "InvalidCredentialsError", "InvalidCredentialsError", "AccountLockedError", "AccountLockedError"]);
      // Both locks last LOCKOUT_SECONDS from a failure made during this loop.
      for (const r of [real[4], fake[4]]) {
        const lockedAt = new Date(r?.lockedUntil ?? 0).getTime() - 600_000;
        expect(lockedAt).toBeGreaterThanOrEqual(from);
        expect(lockedAt).toBeLessThanOrEqual(to);
      }
      // The phantom lock is no audit-trail ACCOUNT_LOCKED: nothing was locked.
      expect(await t.db.auditEvent.count({ where: { type: "ACCOUNT_LOCKED", subjectUserId: null } })).toBe(0);
    });

    test("only CONSECUTIVE failures lock: a success in between resets", async ({ t, member: { email } }) => {
      for (let i = 0; i < 2; i++) await signIn(t, email, "wrong-password");
      expect((await signIn(t, email, PASSWORD)).__typename).toBe("SignInSuccess");
      for (let i = 0; i < 2; i++) await signIn(t, email, "wrong-password");
      expect((await signIn(t, email, PASSWORD)).__typename).toBe("SignInSuccess");
    });
  });
}

describe("rate limit is shared by instances on one Redis", () => {
  sharedLimit("failures on A count on B (proves the Redis store is used, not only the memory insurance)", async ({ t: a, member }) => {
    const b = await a.sibling();
    const email = member.email;
    await signIn(a, email, "wrong-password");
    await signIn(a, email, "wrong-password");
    expect((await signIn(b, email, PASSWORD)).__typename).toBe("RateLimitedError");
  });
});
