import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstance } from "../helpers/instance.js";
import type { TestInstance } from "../helpers/instance.js";
import { TEST_ADMIN } from "../helpers/pg.js";
import { Q, auditTypes, lastAuditId, mutate, signIn, viewer } from "../helpers/session-ops.js";

const PASSWORD = "correct-horse-battery";

async function makeUser(t: TestInstance): Promise<string> {
  const u = await t.signInAs({});
  return u.email;
}

describe("signIn basics", () => {
  let t: TestInstance;
  beforeAll(async () => {
    t = await createTestInstance({ env: { TRUST_PROXY: "true" } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("succeeds with normalised email, records IP (X-Forwarded-For under TRUST_PROXY) and user agent", async () => {
    const since = await lastAuditId(t);
    const r = await signIn(t, `  ${TEST_ADMIN.email.toUpperCase()} `, TEST_ADMIN.password, { "x-forwarded-for": "203.0.113.7, 10.0.0.1", "user-agent": "vitest-agent/1.0" });
    expect(r.__typename).toBe("SignInSuccess");
    expect(r.user?.email).toBe(TEST_ADMIN.email);
    expect(r.session).toMatchObject({ ip: "203.0.113.7", userAgent: "vitest-agent/1.0", active: true });
    expect(await auditTypes(t, since)).toEqual(["SIGN_IN_SUCCEEDED"]);
    const v = await viewer(t, r.token ?? null);
    expect(v?.user.email).toBe(TEST_ADMIN.email);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: TEST_ADMIN.email } });
    expect(user.lastLoginAt).not.toBeNull();
  });

  it("ignores X-Forwarded-For without TRUST_PROXY", async () => {
    const plain = await createTestInstance();
    try {
      const r = await signIn(plain, TEST_ADMIN.email, TEST_ADMIN.password, { "x-forwarded-for": "203.0.113.7" });
      expect(r.__typename).toBe("SignInSuccess");
      expect(r.session?.ip).toBeNull();
    } finally {
      await plain.close();
    }
  });

  it("wrong password and unknown email: same typename, code and message; no enumeration", async () => {
    const email = await makeUser(t);
    const since = await lastAuditId(t);
    const wrong = await signIn(t, email, "not-the-password");
    const unknown = await signIn(t, "nobody-here@example.com", "not-the-password");
    expect(wrong).toEqual(unknown);
    expect(wrong).toEqual({ __typename: "InvalidCredentialsError", code: "INVALID_CREDENTIALS", message: "Invalid email or password." });
    expect(await auditTypes(t, since)).toEqual(["SIGN_IN_FAILED", "SIGN_IN_FAILED"]);
  });

  it("validates input with field errors (bad email, empty password)", async () => {
    const since = await lastAuditId(t);
    const r = await signIn(t, "nope", "");
    expect(r.__typename).toBe("ValidationError");
    expect(r.fieldErrors?.map((e) => e.path).sort()).toEqual(["input.email", "input.password"]);
    expect(await auditTypes(t, since)).toEqual([]);
  });

  it("a disabled or LOCKED-status user cannot sign in, and gets no viewer with an existing token", async () => {
    const disabled = await t.signInAs({});
    await t.db.user.update({ where: { id: disabled.userId }, data: { status: "DISABLED" } });
    const r = await signIn(t, disabled.email, disabled.password);
    expect(r.__typename).toBe("InvalidCredentialsError");

    const locked = await t.signInAs({});
    await t.db.user.update({ where: { id: locked.userId }, data: { status: "LOCKED" } });
    const l = await signIn(t, locked.email, locked.password);
    expect(l.__typename).toBe("AccountLockedError");
    // The DB change bypassed the cache; the next cache miss must not admit them (checked after the
    // fragment expires from the cache by being dropped here).
    await t.app.cache.del([`session:${locked.sessionId}`, `session:${disabled.sessionId}`]);
    expect(await viewer(t, locked.token)).toBeNull();
    expect(await viewer(t, disabled.token)).toBeNull();
  });
});

describe.each([
  ["Redis", false],
  ["in-process cache", true],
])("brute-force protection on %s", (_name, memoryCache) => {
  let t: TestInstance;
  beforeAll(async () => {
    t = await createTestInstance({
      memoryCache,
      env: { TRUST_PROXY: "true", LOGIN_MAX_FAILURES_PER_ACCOUNT: "3", LOGIN_MAX_FAILURES_PER_IP: "1000", LOCKOUT_AFTER_FAILURES: "100", LOGIN_WINDOW_SECONDS: "60" },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("rate-limits an account after LOGIN_MAX_FAILURES_PER_ACCOUNT failures, without verifying the password", async () => {
    const email = await makeUser(t);
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

  it("rate-limits unknown emails the same way (no enumeration through the limiter)", async () => {
    const email = await makeUser(t);
    const known: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < 4; i++) known.push(JSON.stringify({ ...(await signIn(t, email, "wrong-password")), retryAfterSeconds: undefined, message: undefined }));
    for (let i = 0; i < 4; i++) unknown.push(JSON.stringify({ ...(await signIn(t, `ghost-${memoryCache}@example.com`, "wrong-password")), retryAfterSeconds: undefined, message: undefined }));
    expect(known).toEqual(unknown);
    expect(known.at(-1)).toContain("RateLimitedError");
  });

  it("a success resets the account counter", async () => {
    const email = await makeUser(t);
    for (let i = 0; i < 2; i++) await signIn(t, email, "wrong-password");
    expect((await signIn(t, email, PASSWORD)).__typename).toBe("SignInSuccess");
    for (let i = 0; i < 2; i++) expect((await signIn(t, email, "wrong-password")).__typename).toBe("InvalidCredentialsError");
    expect((await signIn(t, email, PASSWORD)).__typename).toBe("SignInSuccess");
  });

  it("rate-limits per IP across accounts", async () => {
    const ipLimited = await t.sibling({ LOGIN_MAX_FAILURES_PER_ACCOUNT: "1000", LOGIN_MAX_FAILURES_PER_IP: "4" });
    const ip = { "x-forwarded-for": `198.51.100.${memoryCache ? 1 : 2}` };
    for (let i = 0; i < 4; i++) expect((await signIn(ipLimited, `spray-${i}@example.com`, "wrong-password", ip)).__typename).toBe("InvalidCredentialsError");
    const email = await makeUser(ipLimited);
    const r = await signIn(ipLimited, email, PASSWORD, ip);
    expect(r.__typename).toBe("RateLimitedError");
    // Another IP is unaffected.
    expect((await signIn(ipLimited, email, PASSWORD, { "x-forwarded-for": "198.51.100.200" })).__typename).toBe("SignInSuccess");
  });
});

describe.each([
  ["Redis", false],
  ["in-process cache", true],
])("account lockout on %s", (_name, memoryCache) => {
  let t: TestInstance;
  beforeAll(async () => {
    t = await createTestInstance({ memoryCache, env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: "100", LOCKOUT_AFTER_FAILURES: "3", LOCKOUT_SECONDS: "600" } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("locks after LOCKOUT_AFTER_FAILURES consecutive failures; AccountLockedError.lockedUntil; unlocks after the period", async () => {
    const email = await makeUser(t);
    const since = await lastAuditId(t);
    for (let i = 0; i < 3; i++) expect((await signIn(t, email, "wrong-password")).__typename).toBe("InvalidCredentialsError");
    expect(await auditTypes(t, since)).toEqual(["SIGN_IN_FAILED", "SIGN_IN_FAILED", "SIGN_IN_FAILED", "ACCOUNT_LOCKED"]);

    const before = t.clock.now().getTime();
    const since2 = await lastAuditId(t);
    const r = await signIn(t, email, PASSWORD);
    expect(r.__typename).toBe("AccountLockedError");
    expect(r.code).toBe("ACCOUNT_LOCKED");
    const lockedUntil = new Date(r.lockedUntil ?? 0).getTime();
    expect(lockedUntil).toBeGreaterThan(before + 590_000);
    expect(lockedUntil).toBeLessThanOrEqual(before + 600_000);
    expect(await auditTypes(t, since2)).toEqual(["SIGN_IN_FAILED"]);

    t.clock.advance(601_000);
    expect((await signIn(t, email, PASSWORD)).__typename).toBe("SignInSuccess");
    const row = await t.db.user.findUniqueOrThrow({ where: { email } });
    expect(row.failedLoginCount).toBe(0);
    expect(row.lockedUntil).toBeNull();
  });

  it("an unknown email locks exactly like an account, so the lockout reveals nothing", async () => {
    const email = await makeUser(t);
    const ghost = `ghost-lock-${memoryCache}-${Date.now()}@example.com`;
    const strip = (r: Awaited<ReturnType<typeof signIn>>) => ({ __typename: r.__typename, code: r.code, message: r.message });
    const real: Awaited<ReturnType<typeof signIn>>[] = [];
    const fake: Awaited<ReturnType<typeof signIn>>[] = [];
    for (let i = 0; i < 5; i++) {
      real.push(await signIn(t, email, "wrong-password"));
      fake.push(await signIn(t, ghost, "wrong-password"));
    }
    expect(fake.map(strip)).toEqual(real.map(strip));
    expect(real.map((r) => r.__typename)).toEqual(["InvalidCredentialsError", "InvalidCredentialsError", "InvalidCredentialsError", "AccountLockedError", "AccountLockedError"]);
    const realUntil = new Date(real[4]?.lockedUntil ?? 0).getTime();
    const fakeUntil = new Date(fake[4]?.lockedUntil ?? 0).getTime();
    expect(Math.abs(realUntil - fakeUntil)).toBeLessThan(5000);
    // The phantom lock is no audit-trail ACCOUNT_LOCKED: nothing was locked.
    expect(await t.db.auditEvent.count({ where: { type: "ACCOUNT_LOCKED", subjectUserId: null } })).toBe(0);
  });

  it("only CONSECUTIVE failures lock: a success in between resets", async () => {
    const email = await makeUser(t);
    for (let i = 0; i < 2; i++) await signIn(t, email, "wrong-password");
    expect((await signIn(t, email, PASSWORD)).__typename).toBe("SignInSuccess");
    for (let i = 0; i < 2; i++) await signIn(t, email, "wrong-password");
    expect((await signIn(t, email, PASSWORD)).__typename).toBe("SignInSuccess");
  });
});

describe("rate limit is shared by instances on one Redis", () => {
  let a: TestInstance;
  beforeAll(async () => {
    a = await createTestInstance({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: "2", LOCKOUT_AFTER_FAILURES: "100" } });
  });
  afterAll(async () => {
    await a?.close();
  });

  it("failures on A count on B (proves the Redis store is used, not only the memory insurance)", async () => {
    const b = await a.sibling();
    const email = await makeUser(a);
    await signIn(a, email, "wrong-password");
    await signIn(a, email, "wrong-password");
    expect((await signIn(b, email, PASSWORD)).__typename).toBe("RateLimitedError");
  });
});

describe("signIn writes nothing to the viewer cache of other sessions", () => {
  let t: TestInstance;
  beforeAll(async () => {
    t = await createTestInstance();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("two sessions of one user are independent", async () => {
    const a = await t.signInAs({});
    const second = await signIn(t, a.email, a.password);
    expect(second.__typename).toBe("SignInSuccess");
    expect(second.session?.id).not.toBe(a.sessionGid);
    expect((await viewer(t, a.token))?.user.email).toBe(a.email);
    expect((await viewer(t, second.token ?? null))?.user.email).toBe(a.email);
    const r = await mutate(t, Q.signOut, {}, a.token);
    expect(r.__typename).toBe("SignOutSuccess");
    expect(await viewer(t, a.token)).toBeNull();
    expect((await viewer(t, second.token ?? null))?.user.email).toBe(a.email);
  });
});
