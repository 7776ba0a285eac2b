// Figures for the closing note of the sessions issue (printed), with the assertions that must hold.
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPasswordHasher } from "../../src/modules/credentials/passwords.js";
import { createTestInstance } from "../helpers/instance.js";
import type { TestInstance } from "../helpers/instance.js";
import { signIn } from "../helpers/session-ops.js";

function stats(samples: number[]): { median: number; p95: number; min: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  const r = (n: number) => Math.round(n * 10) / 10;
  return { median: r(at(0.5)), p95: r(at(0.95)), min: r(s[0] ?? 0), max: r(s.at(-1) ?? 0) };
}

describe("sign-in cost with the default (OWASP) argon2id parameters", () => {
  let t: TestInstance;
  beforeAll(async () => {
    // Undo the cheap test parameters: 19 MiB, t=2, p=1 are the config defaults.
    t = await createTestInstance({ env: { ARGON2_MEMORY_KIB: "19456", ARGON2_TIME_COST: "2", ARGON2_PARALLELISM: "1" } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("measures hash, verify and the whole signIn mutation; unknown emails cost the same", async () => {
    expect(t.app.config.ARGON2_MEMORY_KIB).toBe(19456);
    const hasher = createPasswordHasher(t.app.config);
    const hashMs: number[] = [];
    let hash = "";
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      hash = await hasher.hash("correct-horse-battery");
      hashMs.push(performance.now() - s);
    }
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const verifyMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const s = performance.now();
      expect(await hasher.verify(hash, "correct-horse-battery")).toBe(true);
      verifyMs.push(performance.now() - s);
    }

    const u = await t.signInAs({}); // its hash is made with the instance's (default) parameters
    const ok: number[] = [];
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 8; i++) {
      let s = performance.now();
      expect((await signIn(t, u.email, u.password)).__typename).toBe("SignInSuccess");
      ok.push(performance.now() - s);
      s = performance.now();
      expect((await signIn(t, `nobody-${i}@example.com`, "wrong-password")).__typename).toBe("InvalidCredentialsError");
      unknown.push(performance.now() - s);
      s = performance.now();
      expect((await signIn(t, u.email, "wrong-password")).__typename).toBe("InvalidCredentialsError");
      wrong.push(performance.now() - s);
      // Keep the account under the lockout threshold.
      if (i % 3 === 2) await signIn(t, u.email, u.password);
    }
    const figures = {
      argon2: "argon2id m=19456 KiB, t=2, p=1 (OWASP)",
      hashMs: stats(hashMs),
      verifyMs: stats(verifyMs),
      signInSuccessMs: stats(ok),
      signInWrongPasswordMs: stats(wrong),
      signInUnknownEmailMs: stats(unknown),
    };
    console.log(`[measure] sign-in latency\n${JSON.stringify(figures, null, 2)}`);
    // The dummy verification makes an unknown email cost a real verify (no timing oracle).
    expect(figures.signInUnknownEmailMs.median).toBeGreaterThan(figures.verifyMs.median * 0.6);
    expect(figures.signInUnknownEmailMs.median).toBeGreaterThan(figures.signInWrongPasswordMs.median * 0.5);
  }, 120_000);
});

describe("SQL statements per viewer request", () => {
  let t: TestInstance;
  beforeAll(async () => {
    t = await createTestInstance();
  });
  afterAll(async () => {
    await t?.close();
  });

  const VIEWER = "{ viewer { session { id createdAt lastSeenAt expiresAt revokedAt ip userAgent current active } user { id email name status createdAt lastLoginAt } } }";
  const VIEWER_PERMS = "{ viewer { session { id current active } user { id email permissions } } }";

  async function count(query: string, token: string): Promise<{ n: number; log: string[] }> {
    t.statements.reset();
    const res = await t.gql(query, {}, { token });
    expect(res.errors).toBeUndefined();
    expect((res.data as { viewer: unknown }).viewer).not.toBeNull();
    return { n: t.statements.count, log: [...t.statements.log] };
  }

  it("cached: 0 statements; uncached: the session and its user by primary key", async () => {
    const u = await t.signInAs({});
    await t.app.cache.del([`session:${u.sessionId}`]);
    const uncached = await count(VIEWER, u.token);
    const cached = await count(VIEWER, u.token);
    const cachedAgain = await count(VIEWER, u.token);

    await t.app.cache.del([`session:${u.sessionId}`, `perms:${u.userId}`]);
    const uncachedPerms = await count(VIEWER_PERMS, u.token);
    const cachedPerms = await count(VIEWER_PERMS, u.token);

    console.log(
      `[measure] SQL statements per viewer request\n${JSON.stringify(
        { uncached: uncached.n, uncachedSql: uncached.log, cached: cached.n, cachedAgain: cachedAgain.n, withPermissionsUncached: uncachedPerms.n, withPermissionsCached: cachedPerms.n },
        null,
        2,
      )}`,
    );
    expect(cached.n).toBe(0);
    expect(cachedAgain.n).toBe(0);
    expect(cachedPerms.n).toBe(0);
    // The session by id and its user by id (Prisma without relationJoins: one statement per model).
    expect(uncached.n).toBe(2);
    expect(uncached.log[0]).toMatch(/FROM "public"\."sessions"/);
    expect(uncached.log[1]).toMatch(/FROM "public"\."users"/);
  });

  it("selections beyond the cached record (relations, connections) still resolve, with a query by id", async () => {
    const u = await t.signInAs({});
    await t.gql(VIEWER, {}, { token: u.token }); // cached
    t.statements.reset();
    const res = await t.gql<{ viewer: { session: { id: string; user: { email: string } }; user: { email: string; roles: { key: string }[]; sessions: { edges: { node: { id: string } }[] } } } }>(
      "{ viewer { session { id user { email } } user { email roles { key } sessions(first: 5) { edges { node { id } } } } } }",
      {},
      { token: u.token },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.viewer.session.user.email).toBe(u.email);
    expect(res.data?.viewer.user.roles.map((r) => r.key)).toEqual(["member"]);
    expect(res.data?.viewer.user.sessions.edges.map((e) => e.node.id)).toContain(u.sessionGid);
    expect(t.statements.count).toBeGreaterThan(0);
  });

  it("anonymous and tampered requests cost 0 statements", async () => {
    const u = await t.signInAs({});
    await t.gql(VIEWER, {}, { token: u.token }); // cached
    t.statements.reset();
    await t.gql(VIEWER, {}, { token: null });
    await t.gql(VIEWER, {}, { token: "garbage" });
    await t.gql(VIEWER, {}, { token: `${u.sessionId}.${"A".repeat(43)}` }); // right id, wrong secret: cache hit, no SQL
    expect(t.statements.count).toBe(0);
  });
});
