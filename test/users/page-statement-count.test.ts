// N+1: a page of users with their sessions, roles (with permissions) and effective permissions costs
// the same number of SQL statements for 5 users as for 50, and only a handful.
import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { test } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";

const PAGE_QUERY = `query Page($n: Int!) {
  users(first: $n) {
    edges { node { id sessions { edges { node { id } } } roles { key permissions { key } } permissions } }
  }
}`;

interface PageData {
  users: { edges: { node: { id: string; sessions: { edges: unknown[] }; roles: { key: string; permissions: { key: string }[] }[]; permissions: string[] } }[] };
}

test.beforeAll(async ({ t, admin: { token } }) => {
  const [memberRole, adminRole] = await Promise.all(["member", "admin"].map((key) => t.db.role.findUniqueOrThrow({ where: { key } })));
  const ids = Array.from({ length: 50 }, () => randomUUID());
  const base = Date.now();
  // Strictly increasing createdAt: the page order (and so which users are on a page) is fixed.
  await t.db.user.createMany({ data: ids.map((id, i) => ({ id, email: `np${i}@test.local`, name: `N+1 user ${i}`, createdAt: new Date(base + i) })) });
  await t.db.userRole.createMany({
    data: ids.flatMap((userId, i) => [{ userId, roleId: memberRole?.id ?? "" }, ...(i % 3 === 0 ? [{ userId, roleId: adminRole?.id ?? "" }] : [])]),
  });
  await t.db.session.createMany({
    data: ids.flatMap((userId) =>
      [0, 1].map((k) => ({ userId, tokenHash: `${userId}-${k}`, expiresAt: new Date(base + 3_600_000), absoluteExpiresAt: new Date(base + 7_200_000) })),
    ),
  });
  // Warm the viewer (session fragment and the admin's own permission set): the point is the page.
  expect((await t.gql("{ viewer { user { permissions } } }", {}, { token })).errors).toBeUndefined();
});

async function statementsFor(t: TestInstance, admin: SignedIn, n: number): Promise<{ count: number; log: string[]; data: PageData }> {
  t.statements.reset();
  const res = await t.gql<PageData>(PAGE_QUERY, { n }, { token: admin.token });
  expect(res.errors).toBeUndefined();
  const data = res.data as PageData;
  expect(data.users.edges).toHaveLength(n);
  return { count: t.statements.count, log: [...t.statements.log], data };
}

/**
 * Drop the cached permission sets of everyone on the page except the viewer, whose own set the
 * authorization check loads in an earlier, separate batch (a fully cold cache adds that one statement).
 */
async function coldPermissions(t: TestInstance, admin: SignedIn): Promise<void> {
  const users = await t.db.user.findMany({ where: { id: { not: admin.userId } }, select: { id: true } });
  expect(await t.app.cache.del(users.map((u) => keys.perms(u.id)))).toBe(true);
}

describe("users page statement count", () => {
  test("is the same for 5 and 50 users with the page's permission sets uncached, and at most 6", async ({ t, admin }) => {
    await coldPermissions(t, admin);
    const five = await statementsFor(t, admin, 5);
    await coldPermissions(t, admin);
    const fifty = await statementsFor(t, admin, 50);
    expect(fifty.count, fifty.log.join("\n---\n")).toBe(five.count);
    expect(five.count, five.log.join("\n---\n")).toBeLessThanOrEqual(6);
  });

  test("is the same for 5 and 50 users with warm permission caches (one statement fewer)", async ({ t, admin }) => {
    await statementsFor(t, admin, 50); // fills the cache for every user on both pages
    const five = await statementsFor(t, admin, 5);
    const fifty = await statementsFor(t, admin, 50);
    expect(fifty.count).toBe(five.count);
    expect(five.count).toBeLessThanOrEqual(5);
    // No effective-permission query at all once cached.
    expect(fifty.log.some((sql) => sql.includes("DISTINCT ur.user_id"))).toBe(false);
  });

  test("returns the data it counted: sessions, roles with permissions, effective permissions", async ({ t, admin: viewer }) => {
    const { data } = await statementsFor(t, viewer, 50);
    const seeded = data.users.edges.map((e) => e.node).filter((u) => u.sessions.edges.length === 2);
    expect(seeded).toHaveLength(50 - 1); // every seeded user on the page (the first row is the admin)
    const admin = seeded.find((u) => u.roles.some((r) => r.key === "admin"));
    expect(admin?.permissions).toContain("users:write");
    expect(admin?.roles.find((r) => r.key === "admin")?.permissions.map((p) => p.key)).toContain("roles:write");
    const plain = seeded.find((u) => !u.roles.some((r) => r.key === "admin"));
    expect(plain?.roles.map((r) => r.key)).toEqual(["member"]);
    expect(plain?.permissions).toEqual([]);
  });
});
