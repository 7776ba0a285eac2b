// Role.users pages a role's holders by user id, both ways and per role; node resolves RBAC objects.
import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { encodeId } from "../../src/graphql/global-id.js";
import { test as base } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";

/** A `pager` role held by seven users (set up for every test): its global id and the holders' global ids in id order. */
const test = base.extend("pager", { scope: "file", auto: true }, async ({ t }) => {
  const role = await t.db.role.create({ data: { key: "pager", name: "Pager" } });
  const ids = Array.from({ length: 7 }, () => randomUUID());
  await t.db.user.createMany({ data: ids.map((id, i) => ({ id, email: `holder${i}@test.local`, name: `Holder ${i}` })) });
  await t.db.userRole.createMany({ data: ids.map((userId) => ({ userId, roleId: role.id })) });
  return { gid: encodeId("Role", role.id), holders: [...ids].sort().map((id) => encodeId("User", id)) };
});

async function ok<T>(t: TestInstance, admin: SignedIn, doc: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await t.gql<T>(doc, variables, { token: admin.token });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data as T;
}

interface Page {
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { cursor: string; node: { id: string; email: string } }[];
}

const PAGE = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id email } }";
const usersOf = (args: string): string => `query($id: ID!) { node(id: $id) { ... on Role { users(${args}) { ${PAGE} } } } }`;
type R = { node: { users: Page } };

describe("Role.users", () => {
  test("pages forward by user id", async ({ t, admin, pager }) => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data: R = await ok<R>(t, admin, usersOf(after ? `first: 3, after: "${after}"` : "first: 3"), { id: pager.gid });
      pages++;
      seen.push(...data.node.users.edges.map((e) => e.node.id));
      expect(data.node.users.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!data.node.users.pageInfo.hasNextPage) break;
      after = data.node.users.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(pager.holders);
  });

  test("pages backward with last/before", async ({ t, admin, pager }) => {
    const last = await ok<R>(t, admin, usersOf("last: 2"), { id: pager.gid });
    expect(last.node.users.edges.map((e) => e.node.id)).toEqual(pager.holders.slice(-2));
    expect(last.node.users.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const before = await ok<R>(t, admin, usersOf(`last: 2, before: "${last.node.users.pageInfo.startCursor}"`), { id: pager.gid });
    expect(before.node.users.edges.map((e) => e.node.id)).toEqual(pager.holders.slice(-4, -2));
    expect(before.node.users.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  test("windows each role separately when several roles are listed", async ({ t, admin }) => {
    const data = await ok<{ roles: { key: string; users: Page }[] }>(t, admin, `{ roles { key users(first: 2) { ${PAGE} } } }`);
    const pagerRole = data.roles.find((r) => r.key === "pager");
    const adminRole = data.roles.find((r) => r.key === "admin");
    expect(pagerRole?.users.edges).toHaveLength(2);
    expect(pagerRole?.users.pageInfo.hasNextPage).toBe(true);
    expect(adminRole?.users.edges.map((e) => e.node.email)).toEqual(["admin@test.local"]);
  });
});

describe("node", () => {
  test("resolves roles and permissions by global id, and null for an unknown one", async ({ t, admin, pager }) => {
    const perm = await t.db.permission.findUniqueOrThrow({ where: { key: "roles:write" } });
    const data = await ok<{ p: { key: string; description: string }; r: { key: string } }>(
      t,
      admin,
      `query($p: ID!, $r: ID!) { p: node(id: $p) { ... on Permission { key description } } r: node(id: $r) { ... on Role { key } } }`,
      { p: encodeId("Permission", perm.id), r: pager.gid },
    );
    expect(data).toEqual({ p: { key: "roles:write", description: perm.description }, r: { key: "pager" } });
    const missing = await ok<{ node: unknown }>(t, admin, `query($id: ID!) { node(id: $id) { id } }`, { id: encodeId("Permission", randomUUID()) });
    expect(missing.node).toBeNull();
  });
});
