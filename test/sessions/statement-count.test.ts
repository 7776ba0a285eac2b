// SQL per viewer request: none while the session is cached, one statement (the session joined with its
// user) when it is not. (Sign-in latency with production argon2 parameters: bench/sessions-cost.ts.)
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { loadFromDb } from "../../src/modules/sessions/store.js";
import { SESSION_SELECT } from "../../src/modules/sessions/session.js";
import { USER_SELECT } from "../../src/modules/users/user.js";
import { test } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";

describe("SQL statements per viewer request", () => {
  const VIEWER = "{ viewer { session { id createdAt lastSeenAt expiresAt revokedAt ip userAgent current active } user { id email name status createdAt lastLoginAt } } }";
  const VIEWER_PERMS = "{ viewer { session { id current active } user { id email permissions } } }";

  async function count(t: TestInstance, query: string, token: string): Promise<{ n: number; log: string[] }> {
    t.statements.reset();
    const res = await t.gql(query, {}, { token });
    expect(res.errors).toBeUndefined();
    expect((res.data as { viewer: unknown }).viewer).not.toBeNull();
    return { n: t.statements.count, log: [...t.statements.log] };
  }

  test("cached: 0 statements; uncached: one statement, the session joined with its user", async ({ t, member: u }) => {
    await t.app.cache.del([keys.session(u.sessionId)]);
    const uncached = await count(t, VIEWER, u.token);
    const cached = await count(t, VIEWER, u.token);
    const cachedAgain = await count(t, VIEWER, u.token);

    await t.app.cache.del([keys.session(u.sessionId), keys.perms(u.userId)]);
    const uncachedPerms = await count(t, VIEWER_PERMS, u.token);
    const cachedPerms = await count(t, VIEWER_PERMS, u.token);

    expect(cached.n).toBe(0);
    expect(cachedAgain.n).toBe(0);
    expect(cachedPerms.n).toBe(0);
    expect(uncachedPerms.n).toBeGreaterThan(uncached.n);
    // The session by id joined with its user: one statement.
    expect(uncached.n, uncached.log.join("\n")).toBe(1);
    expect(uncached.log[0]).toMatch(/FROM sessions s JOIN users u ON u\.id = s\.user_id/);
  });

  test("selections beyond the cached record (relations, connections) still resolve, with a query by id", async ({ t, member: u }) => {
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

  test("anonymous and tampered requests cost 0 statements", async ({ t, member: u }) => {
    await t.gql(VIEWER, {}, { token: u.token }); // cached
    t.statements.reset();
    await t.gql(VIEWER, {}, { token: null });
    await t.gql(VIEWER, {}, { token: "garbage" });
    await t.gql(VIEWER, {}, { token: `${u.sessionId}.${"A".repeat(43)}` }); // right id, wrong secret: cache hit, no SQL
    expect(t.statements.count).toBe(0);
  });

  test("the uncached lookup reads exactly what the Prisma selection of a session and its user reads", async ({ t, member: u }) => {
    // Every nullable column set, so a column the statement forgets or mistypes shows.
    const at = new Date("2026-01-02T03:04:05.678Z");
    await t.db.session.update({ where: { id: u.sessionId }, data: { ip: "203.0.113.9", userAgent: "spec", authMethods: ["password", "totp"], mfaAt: at, metadata: { device: "laptop", n: 1 } } });
    await t.db.user.update({ where: { id: u.userId }, data: { name: "Spec", failedLoginCount: 2, lockedUntil: at, lastLoginAt: at, emailVerifiedAt: at } });
    const viaPrisma = await t.db.session.findUnique({ where: { id: u.sessionId }, select: { ...SESSION_SELECT, user: { select: USER_SELECT } } });
    if (!viaPrisma) throw new Error("member session missing");
    const { user, ...session } = viaPrisma;
    expect(await loadFromDb(t.app, u.sessionId)).toEqual({ session, user });
    // And with every nullable column empty, the way a fresh row has them.
    await t.db.session.update({ where: { id: u.sessionId }, data: { ip: null, userAgent: null, authMethods: [], mfaAt: null, metadata: Prisma.DbNull } });
    await t.db.user.update({ where: { id: u.userId }, data: { lockedUntil: null, lastLoginAt: null, emailVerifiedAt: null } });
    const empty = await t.db.session.findUnique({ where: { id: u.sessionId }, select: { ...SESSION_SELECT, user: { select: USER_SELECT } } });
    if (!empty) throw new Error("member session missing");
    const { user: emptyUser, ...emptySession } = empty;
    expect(await loadFromDb(t.app, u.sessionId)).toEqual({ session: emptySession, user: emptyUser });
    expect(await loadFromDb(t.app, "00000000-0000-4000-8000-000000000000")).toBeNull();
  });
});
